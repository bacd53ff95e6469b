/**
 * The only loop: observe (target, metrics, operator commands, saved progress) → `step` → save the
 * decision as an intent → apply its actions → wait for a change or the decision's timer → repeat
 * until a terminal phase; then finish the ledger record.
 */
import { type Decision, outcomeOf, outcomeReasons } from '../core/decision.ts';
import { checksDue } from '../core/evidence.ts';
import { isTerminal } from '../core/phase.ts';
import type { ReleaseSpec } from '../core/spec.ts';
import { step } from '../core/step.ts';
import type { CheckReading, CheckResult, Observed, RevisionCounts } from '../core/types.ts';
import type { CheckReader } from '../providers/checks.ts';
import type { MetricProvider } from '../providers/provider.ts';
import type { Clock } from './clock.ts';
import { applyIntent, type Envelope, hasPendingIntent, saveEnvelope } from './journal.ts';
import { DecisionJournal } from './journal-decisions.ts';
import type { HeldLock } from './lock.ts';
import type { Target } from './target.ts';
import type { OperationOutcome } from './types.ts';

export interface LoopDeps {
  target: Target;
  metrics: MetricProvider;
  /**
   * Reads the spec's custom checks (`analysis.checks`) for the candidate. Called only while the
   * candidate is under analysis, once per analysis interval; without it, checks never have data.
   */
  checks?: CheckReader;
  clock: Clock;
  /** Longest wait without a change or a timer; default 5000 ms (a missed watch event costs at most this). */
  pollMs?: number;
  onProgress?: (decision: Decision, observed: Observed) => void;
  signal?: AbortSignal;
}

/** Decisions that applied actions are followed at once by another look, this many times in a row at most. */
const MAX_IMMEDIATE = 20;

export async function runOperation(
  deps: LoopDeps,
  held: HeldLock,
  start: Envelope,
): Promise<OperationOutcome> {
  const { target, clock } = deps;
  const ledger = target.ledger();
  let env = start;
  const release = env.spec.release;
  if (hasPendingIntent(env)) await applyIntent(target, env, true);

  const stop = new AbortController();
  const onAbort = () => stop.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  const changes = target.changes(stop.signal)[Symbol.asyncIterator]();
  let pendingChange: Promise<'change' | 'ended'> | undefined;
  let immediate = 0;
  const checks: { last?: CheckReading } = {};
  const journal = new DecisionJournal(ledger, release);
  try {
    for (;;) {
      deps.signal?.throwIfAborted();
      await held.keepAlive();
      const observed = await withRetries(clock, () => observe(deps, env, checks), stop.signal);
      const now = clock.now();
      const decision = step(env.spec, observed, now);
      const changed =
        decision.effects.length > 0 || JSON.stringify(decision.memo) !== JSON.stringify(env.memo);
      env = { ...env, memo: decision.memo, intent: { effects: decision.effects, done: 0 } };
      if (changed) await saveEnvelope(ledger, env);
      // Why before what: the decision and its inputs are journaled before its effects are applied.
      await journal.note(decision, observed, now);
      deps.onProgress?.(decision, observed);
      const applied = await applyIntent(target, env, false);

      if (isTerminal(decision.phase)) {
        const reasons = outcomeReasons(decision);
        await ledger.finish(release, decision.phase, reasons, clock.now());
        return {
          kind: outcomeOf(decision),
          release,
          phase: decision.phase,
          reason: decision.reason,
          reasons,
          verdict: decision.verdict,
        };
      }
      const actedOnWorld = decision.effects.some((a) => a.kind !== 'record') && applied > 0;
      if (actedOnWorld && immediate < MAX_IMMEDIATE) {
        immediate++;
        continue;
      }
      immediate = 0;
      const until = Math.min(decision.wakeAt ?? Infinity, now + (deps.pollMs ?? 5000), held.renewDueAt());
      pendingChange ??= changes.next().then(
        (r) => (r.done ? 'ended' : 'change'),
        () => 'ended',
      );
      const woke = await waitFor(clock, Math.max(0, until - clock.now()), pendingChange, stop.signal);
      if (woke === 'change') pendingChange = undefined;
      if (woke === 'ended') pendingChange = new Promise(() => {}); // no more events: timers only
    }
  } finally {
    stop.abort();
    deps.signal?.removeEventListener('abort', onAbort);
  }
}

async function observe(deps: LoopDeps, env: Envelope, checks: { last?: CheckReading }): Promise<Observed> {
  const ledger = deps.target.ledger();
  const obs = await deps.target.observe();
  const commands = await ledger.commands(env.spec.release);
  const revisions = [env.spec.revision ?? env.spec.release];
  if (env.stable !== undefined) revisions.push(env.stable);
  // Missing metrics are "no evidence" to the core (analysis stays inconclusive), not a reason to stop.
  const metrics = await readMetrics(deps.metrics, revisions);
  const at = deps.clock.now();
  if (deps.checks && checksDue(env.spec, env.memo, at, checks.last?.at)) {
    checks.last = { at, results: await readChecks(deps.checks, env.spec) };
  }
  const reading = checks.last ? { checks: checks.last } : {};
  const source = deps.metrics.source === 'none' ? { metricSource: 'none' as const } : {};
  return { ...obs, stable: env.stable, metrics, ...source, ...reading, progress: env.memo, commands };
}

/** A reader that throws anyway (it should report per check) leaves every check without data, with why. */
async function readChecks(reader: CheckReader, spec: ReleaseSpec): Promise<CheckResult[]> {
  const specs = spec.analysis.checks ?? [];
  try {
    return await reader.read(specs, spec.revision ?? spec.release);
  } catch (err) {
    return specs.map((c) => ({ name: c.name, error: `not read: ${(err as Error).message}` }));
  }
}

async function readMetrics(
  provider: MetricProvider,
  releases: number[],
): Promise<Record<string, RevisionCounts>> {
  try {
    return (await provider.isOnline()) ? await provider.counts(releases) : {};
  } catch {
    return {};
  }
}

/** Reads through transient failures (an API blip), backing off 1 s, 2 s, 4 s before giving up. */
async function withRetries<T>(
  clock: Clock,
  read: () => Promise<T>,
  signal: AbortSignal,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      if (attempt >= attempts || signal.aborted) throw err;
      await clock.sleep(500 * 2 ** attempt, signal);
    }
  }
}

/** Waits for the timer, a change from the target, or the stop signal, whichever comes first. */
async function waitFor(
  clock: Clock,
  ms: number,
  change: Promise<'change' | 'ended'>,
  signal: AbortSignal,
): Promise<'timer' | 'change' | 'ended' | 'stopped'> {
  const cancel = new AbortController();
  const onStop = () => cancel.abort();
  signal.addEventListener('abort', onStop, { once: true });
  try {
    const timer = clock.sleep(ms, cancel.signal).then(
      () => 'timer' as const,
      () => 'stopped' as const,
    );
    return await Promise.race([timer, change]);
  } finally {
    cancel.abort();
    signal.removeEventListener('abort', onStop);
  }
}
