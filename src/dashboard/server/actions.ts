/**
 * Carrying out what the page asks: promote, pause, resume and abort become operator commands in
 * the ledger (the engine running the release picks them up); rollback runs the engine's rollback
 * where the dashboard runs. Each is refused, with why, when the page acted on a stale view.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { OperatorCommand } from '../../core/types.ts';
import type { ActionPlan, ActionRequest, ActionResult, EnvironmentState } from '../protocol.ts';
import type { EnvironmentSource } from '../source.ts';
import { commandPlan, rollbackPlanText } from '../view/plans.ts';

export class ActionError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function planAction(
  src: EnvironmentSource,
  state: EnvironmentState,
  req: { kind: ActionRequest['kind']; to?: number; full?: boolean },
): Promise<ActionPlan> {
  if (req.kind !== 'rollback') return commandPlan(req.kind, state, { full: req.full ?? false });
  try {
    return rollbackPlanText(state, await src.planRollback(req.to));
  } catch (err) {
    return rollbackPlanText(state, { error: (err as Error).message });
  }
}

/** How long to wait for a rollback to fail early (lock held, nothing to return to) before answering. */
const EARLY_FAILURE_MS = 1500;

export async function runAction(
  src: EnvironmentSource,
  state: EnvironmentState,
  req: ActionRequest,
  now: number,
): Promise<ActionResult> {
  const plan = await planAction(src, state, req);
  if (plan.blocked) throw new ActionError(409, plan.blocked);
  if (req.kind === 'rollback') {
    const running = src.rollback(req.to);
    const early = await Promise.race([
      running.then(
        (o) => ({ done: `rollback finished: release ${o.release} ${o.kind}` }),
        (err: Error) => ({ error: err.message }),
      ),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), EARLY_FAILURE_MS).unref()),
    ]);
    if (early && 'error' in early) throw new ActionError(409, `rollback refused: ${early.error}`);
    running.catch(() => {}); // its outcome is in the ledger; the page shows it
    return { ok: true, message: early?.done ?? plan.summary.replace(/^Roll back/, 'Rolling back') };
  }
  const op = state.operation;
  if (!op) throw new ActionError(409, `no release is in progress in ${state.name}`);
  if (req.release !== undefined && req.release !== op.release) {
    throw new ActionError(
      409,
      `the page showed release ${req.release} but release ${op.release} is in flight now: look again and confirm`,
    );
  }
  const command: OperatorCommand =
    req.kind === 'promote'
      ? { kind: 'promote', at: now, ...(req.full ? { full: true } : {}) }
      : req.kind === 'abort'
        ? { kind: 'abort', at: now, reason: req.reason ?? 'from the dashboard' }
        : { kind: req.kind, at: now };
  await src.ledger().command(op.release, command);
  return { ok: true, message: `${req.kind} sent to release ${op.release}` };
}

/** The resolved configs of two releases side by side, as a unified diff of their YAML. */
export async function configDiff(src: EnvironmentSource, from: number, to: number): Promise<string> {
  const records = await src.ledger().releases();
  const find = (n: number) => {
    const r = records.find((x) => x.release === n);
    if (!r) throw new ActionError(404, `release ${n} is not in the ${src.name} ledger`);
    return r;
  };
  const a = find(from);
  const b = find(to);
  const header = (r: typeof a) =>
    `# release ${r.release}: ${r.digest} (config ${r.configHash.slice(0, 12)})\n`;
  return createTwoFilesPatch(
    `release ${from}`,
    `release ${to}`,
    header(a) + stringify(a.config ?? {}),
    header(b) + stringify(b.config ?? {}),
    undefined,
    undefined,
    { context: 3 },
  );
}
