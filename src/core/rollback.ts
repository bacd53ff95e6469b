/**
 * Rolling back an operation in flight (a failing verdict, a failed candidate, the progress deadline
 * or an operator's abort). The rule the whole product rests on: the candidate's weight goes to 0 in
 * the same `set-traffic` that gives stable 100, then the candidate is retired.
 */
import type { AbortCause } from './progress.ts';
import {
  desiredOf,
  ensure,
  readyOf,
  record,
  route,
  type StepContext,
  type StrategyOutcome,
  weightOf,
} from './strategies/context.ts';

/** Marks the operation as rolling back; the first cause wins. */
export function requestAbort(ctx: StepContext, cause: AbortCause, reason: string): void {
  ctx.memo.abort ??= { cause, reason };
}

export function rollBack(ctx: StepContext): StrategyOutcome {
  const { spec, candidate, stable, memo } = ctx;
  const why = memo.abort?.reason ?? 'rollback';
  const kind = memo.abort?.cause === 'operator' ? 'aborted' : 'rolled-back';
  const retire = { kind: 'retire-revision' as const, release: candidate, drainMs: spec.drainMs };

  if (stable === undefined) {
    // A first deploy has nothing to return to: stop routing to the candidate and remove it.
    const actions =
      weightOf(ctx, candidate) > 0 ? route(ctx, {}, `${why}: no previous release to serve`) : [];
    actions.push(retire, record(ctx, 'failed', `${why}; there is no previous release to roll back to`));
    return { phase: 'failed', actions, reason: `${why}; first release, nothing to roll back to` };
  }
  if (desiredOf(ctx, stable) === undefined) {
    return {
      phase: 'failed',
      actions: [record(ctx, 'failed', `${why}; stable revision ${stable} is gone`)],
      reason: `${why}; stable revision ${stable} no longer exists, traffic left as it is`,
    };
  }
  // Stable may have been scaled down by a rolling update: bring it back before it takes traffic.
  const actions = ensure(ctx, stable, Math.max(spec.replicas, desiredOf(ctx, stable) ?? 0));
  const ready = readyOf(ctx, stable);
  if (ready <= 0) {
    return {
      phase: 'aborting',
      actions,
      reason: `${why}: waiting for stable revision ${stable} to have a ready instance`,
      waitingOnTarget: true,
    };
  }
  actions.push(
    ...route(ctx, { [String(stable)]: 100, [String(candidate)]: 0 }, `${why}: all traffic back to ${stable}`),
    retire,
    record(ctx, kind, why, { weights: { [String(stable)]: 100, [String(candidate)]: 0 } }),
  );
  return { phase: 'rolled-back', actions, reason: `${why}: rolled back to release ${stable}` };
}
