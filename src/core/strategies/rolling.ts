/**
 * Rolling: replace stable's instances with the candidate's in batches bounded by `maxSurge` and
 * `maxUnavailable` (see `rollingStep`), with traffic following ready capacity. Analysis runs
 * continuously while the candidate serves, so a bad roll is reversed before it completes.
 */
import { proportionalWeights, rollingStep } from '../capacity.ts';
import { analysisWake, type Look } from '../evidence.ts';
import type { Memo, RollingMemo } from '../memo.ts';
import { abort, proceed, wakeNoLaterThan } from '../outcome.ts';
import type { RollingStrategy } from '../spec.ts';
import { desiredOf, ensure, type ReleaseView, readyOf, route, serving } from '../view.ts';
import { promoteFully } from './promote.ts';
import type { StrategyInput, StrategyResult, StrategyRules } from './strategy.ts';

type Result = StrategyResult<RollingMemo>;

export const rolling: StrategyRules<RollingStrategy, RollingMemo> = {
  continuous: () => true,
  look,
  decide,
};

function look(view: ReleaseView, _strategy: RollingStrategy, memo: Memo<RollingMemo>): Look | undefined {
  return serving(view) && !memo.operator.promote
    ? { deadlineReached: false, since: memo.stageStartedAt }
    : undefined;
}

function decide({ view, strategy, memo, evidence }: StrategyInput<RollingStrategy, RollingMemo>): Result {
  if (evidence?.verdict.kind === 'fail') {
    const why = `analysis failed: ${evidence.verdict.reasons.join('; ')}`;
    return { memo, outcome: abort('analysis', 'rolling.analysis.fail', why) };
  }
  const result = memo.operator.promote
    ? { memo, outcome: promoteFully(view, 'promoted by operator') }
    : roll(view, strategy, memo);
  const out = result.outcome;
  // Analysis is continuous: while the candidate serves, look again after one analysis interval.
  if (!serving(view) || out.kind === 'abort' || out.phase === 'promoted') return result;
  return { ...result, outcome: wakeNoLaterThan(out, analysisWake(view)) };
}

function roll(view: ReleaseView, strategy: RollingStrategy, memo: Memo<RollingMemo>): Result {
  const { spec, candidate, now } = view;
  const stable = view.stable as number;
  const current = memo.strategy.targets ?? { candidate: 0, stable: desiredOf(view, stable) ?? spec.replicas };
  const candReady = readyOf(view, candidate);
  const next = rollingStep(spec.replicas, strategy.maxSurge, strategy.maxUnavailable, current, candReady);
  const moved = next.stable !== current.stable || next.candidate !== current.candidate;
  const m: Memo<RollingMemo> = {
    ...memo,
    ...(moved ? { progressAt: now } : {}),
    strategy: { kind: 'rolling', targets: next },
  };
  if (next.stable === 0 && candReady >= spec.replicas) {
    return { memo: m, outcome: promoteFully(view, 'rolling update complete') };
  }
  // Traffic first (away from instances about to stop), then shrink stable, then grow the candidate.
  const stableServing = Math.min(readyOf(view, stable), next.stable);
  const weights = proportionalWeights(stable, stableServing, candidate, Math.min(candReady, next.candidate));
  const effects = [
    ...route(view, weights, `traffic follows ready capacity (${candReady} new, ${stableServing} old)`),
    ...ensure(view, stable, next.stable),
    ...ensure(view, candidate, next.candidate),
  ];
  const why = `rolling: ${candReady}/${spec.replicas} new ready, ${next.stable} old kept`;
  return { memo: m, outcome: proceed('progressing', 'rolling.roll', why, effects, { awaiting: 'target' }) };
}
