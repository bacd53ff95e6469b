/**
 * Rolling: replace stable's instances with the candidate's in batches bounded by `maxSurge` and
 * `maxUnavailable` (see `rollingStep`), with traffic following ready capacity. Analysis runs
 * continuously while the candidate serves, so a bad roll is reversed before it completes.
 */
import { proportionalWeights, rollingStep } from '../capacity.ts';
import type { RollingStrategy } from '../spec.ts';
import {
  desiredOf,
  ensure,
  promoteFully,
  readyOf,
  route,
  type StepContext,
  type StrategyOutcome,
} from './context.ts';

export function rollingUpdateStep(ctx: StepContext, strategy: RollingStrategy): StrategyOutcome {
  const { spec, memo, candidate } = ctx;
  const stable = ctx.stable as number;
  if (memo.promoteRequested) return promoteFully(ctx, 'promoted by operator');
  memo.stage = 'roll';
  const current = memo.rolling ?? { candidate: 0, stable: desiredOf(ctx, stable) ?? spec.replicas };
  const candReady = readyOf(ctx, candidate);
  const next = rollingStep(spec.replicas, strategy.maxSurge, strategy.maxUnavailable, current, candReady);
  memo.rolling = next;
  if (next.stable !== current.stable || next.candidate !== current.candidate) memo.progressAt = ctx.now;

  if (next.stable === 0 && candReady >= spec.replicas) return promoteFully(ctx, 'rolling update complete');

  // Traffic first (away from instances about to stop), then shrink stable, then grow the candidate.
  const stableServing = Math.min(readyOf(ctx, stable), next.stable);
  const weights = proportionalWeights(stable, stableServing, candidate, Math.min(candReady, next.candidate));
  const actions = [
    ...route(ctx, weights, `traffic follows ready capacity (${candReady} new, ${stableServing} old)`),
    ...ensure(ctx, stable, next.stable),
    ...ensure(ctx, candidate, next.candidate),
  ];
  return {
    phase: 'progressing',
    actions,
    reason: `rolling: ${candReady}/${spec.replicas} new ready, ${next.stable} old kept`,
    waitingOnTarget: true,
  };
}
