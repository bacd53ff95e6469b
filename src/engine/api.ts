/**
 * The engine's public API, called by the CLI: each operation takes the environment lock, runs the
 * loop to a terminal phase and returns a typed outcome. Operator commands (promote, abort, pause,
 * resume) are written to the ledger without the lock; the running engine picks them up.
 */
import { currentRelease, rollbackSpec, rollbackTarget } from '../core/operations.ts';
import type { ReleaseSpec } from '../core/spec.ts';
import { assertReleaseSpec } from '../core/spec-check.ts';
import type { OperatorCommand, TargetObservation } from '../core/types.ts';
import { NothingToResumeError, OperationInFlightError, RollbackError } from './errors.ts';
import { type Envelope, loadEnvelope, saveEnvelope } from './journal.ts';
import { type HeldLock, withLock } from './lock.ts';
import { type LoopDeps, runOperation } from './run.ts';
import type { ReleaseRecord, Target } from './target.ts';
import type { OperationOutcome } from './types.ts';

export interface EngineDeps extends LoopDeps {
  /** Who holds the environment lock (shown to anyone who finds it locked), e.g. `ci@host:pid`. */
  holder: string;
  /** Lock time-to-live; renewed every half of it while running. Default 30000 ms. */
  lockTtlMs?: number;
  /** Wait for a held lock instead of failing with `LockHeldError`. Default false. */
  waitForLock?: boolean;
}

export interface DeployInput {
  /** Everything but the release number, which the engine assigns (last + 1) under the lock. */
  spec: Omit<ReleaseSpec, 'release' | 'revision'>;
  /** The resolved configuration (secret references only) stored in the ledger record. */
  config: unknown;
}

export interface RollbackInput {
  /** Release number to return to; default: the previous good release. */
  to?: number;
}

/** Starts a new release and carries it to a terminal phase. */
export async function deploy(deps: EngineDeps, input: DeployInput): Promise<OperationOutcome> {
  assertReleaseSpec({ ...input.spec, release: 1 }); // before taking the lock: bad input is not an operation
  return locked(deps, async (held) => {
    const records = await idleLedger(deps.target, input.spec.environment);
    const release = nextRelease(records);
    const spec: ReleaseSpec = { ...input.spec, release };
    const stable = servingRevision(await deps.target.observe(), records);
    return start(deps, held, spec, input.config, spec.strategy.kind, stable);
  });
}

/** Continues the release left unfinished by a crashed or stopped engine (it resumes or rolls back). */
export function resume(deps: EngineDeps, environment: string): Promise<OperationOutcome> {
  return locked(deps, async (held) => {
    const record = (await deps.target.ledger().releases()).find((r) => r.finishedAt === undefined);
    if (!record) throw new NothingToResumeError(environment);
    let env = await loadEnvelope(deps.target.ledger(), record.release);
    if (!env) {
      // Crashed between writing the record and the first progress: start the operation over.
      if (!record.spec) throw new NothingToResumeError(environment);
      const others = (await deps.target.ledger().releases()).filter((r) => r.release !== record.release);
      env = { version: 2, spec: record.spec, stable: servingRevision(await deps.target.observe(), others) };
      await saveEnvelope(deps.target.ledger(), env);
    }
    return runOperation(deps, held, env);
  });
}

/** What a rollback would do: the release it runs again, from which, and whether its revision still runs. */
export interface RollbackPlan {
  /** The release serving now. */
  from?: ReleaseRecord;
  /** The release whose digest and config run again. */
  to: ReleaseRecord;
  /** The number the rollback itself is recorded under. */
  release: number;
  /** The revision still running `to` (reused: the switch is instant), if any. */
  runningRevision?: number;
  /** The revision serving users now, if any. */
  stable?: number;
}

/** The rollback's choices, without taking the lock or changing anything (`rollback --dry-run`). */
export async function planRollback(
  target: Target,
  environment: string,
  input: RollbackInput = {},
): Promise<RollbackPlan> {
  const records = await idleLedger(target, environment);
  const summaries = records.map((r) => ({ ...r, revision: r.spec?.revision }));
  const pick = rollbackTarget(summaries, input.to);
  if (pick.error !== undefined) throw new RollbackError(pick.error);
  const wanted = records.find((r) => r.release === pick.ok.release) as ReleaseRecord;
  if (!wanted.spec) {
    throw new RollbackError(
      `release ${wanted.release} has no stored spec to run again; deploy its artifact instead`,
    );
  }
  const observed = await target.observe();
  const revision = wanted.spec.revision ?? wanted.spec.release;
  const running = observed.revisions.find((r) => r.release === revision && !r.failed && r.desired > 0);
  const from = currentRelease(records);
  const stable = servingRevision(observed, records);
  return {
    ...(from ? { from } : {}),
    to: wanted,
    release: nextRelease(records),
    ...(running ? { runningRevision: revision } : {}),
    ...(stable !== undefined ? { stable } : {}),
  };
}

/**
 * Rolls back to the previous good release, or to release `to`: a new release number that runs that
 * release's digest and config with an immediate switch. If its revision is still running (within a
 * blue-green scale-down delay, say), the revision is reused and the switch is instant.
 */
export function rollback(
  deps: EngineDeps,
  environment: string,
  input: RollbackInput = {},
): Promise<OperationOutcome> {
  return locked(deps, async (held) => {
    const plan = await planRollback(deps.target, environment, input);
    const spec = rollbackSpec(plan.to.spec as ReleaseSpec, plan.release, plan.runningRevision);
    return start(deps, held, spec, plan.to.config, `rollback to ${plan.to.release}`, plan.stable);
  });
}

/** Sends promote / abort / pause / resume to the release in progress (no lock needed). */
export async function sendCommand(
  target: Target,
  environment: string,
  command: OperatorCommand,
): Promise<number> {
  const record = (await target.ledger().releases()).find((r) => r.finishedAt === undefined);
  if (!record) throw new NothingToResumeError(environment, command.kind);
  await target.ledger().command(record.release, command);
  return record.release;
}

async function start(
  deps: EngineDeps,
  held: HeldLock,
  spec: ReleaseSpec,
  config: unknown,
  strategy: string,
  stable: number | undefined,
): Promise<OperationOutcome> {
  const ledger = deps.target.ledger();
  await ledger.begin({
    release: spec.release,
    environment: spec.environment,
    service: spec.service,
    digest: spec.artifact.digest,
    artifactRef: spec.artifact.ref,
    configHash: spec.configHash,
    config,
    strategy,
    startedAt: deps.clock.now(),
    reasons: [],
    spec,
  });
  const env: Envelope = { version: 2, spec, stable };
  await saveEnvelope(ledger, env);
  return runOperation(deps, held, env);
}

function locked<T>(deps: EngineDeps, fn: (held: HeldLock) => Promise<T>): Promise<T> {
  const opts = {
    holder: deps.holder,
    ttlMs: deps.lockTtlMs ?? 30_000,
    clock: deps.clock,
    wait: deps.waitForLock,
    signal: deps.signal,
  };
  return withLock(deps.target, opts, fn);
}

async function idleLedger(target: Target, environment: string): Promise<ReleaseRecord[]> {
  const records = await target.ledger().releases();
  const open = records.find((r) => r.finishedAt === undefined);
  if (open) throw new OperationInFlightError(open.release, environment);
  return records;
}

function nextRelease(records: ReleaseRecord[]): number {
  return records.reduce((max, r) => Math.max(max, r.release), 0) + 1;
}

/**
 * The revision serving users now: the one with the largest traffic weight (the infrastructure is
 * the source of truth); without any routing, the current release's revision if it still runs.
 */
export function servingRevision(observed: TargetObservation, records: ReleaseRecord[]): number | undefined {
  let best: number | undefined;
  let bestWeight = 0;
  for (const [id, w] of Object.entries(observed.weights)) {
    if (w > bestWeight || (w === bestWeight && w > 0 && Number(id) > (best ?? 0))) {
      best = Number(id);
      bestWeight = w;
    }
  }
  if (best !== undefined) return best;
  const current = records.find((r) => r.release === currentRelease(records)?.release);
  const revision = current ? (current.spec?.revision ?? current.release) : undefined;
  return observed.revisions.some((r) => r.release === revision) ? revision : undefined;
}
