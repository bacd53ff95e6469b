/**
 * Blue-green: the candidate comes up at full capacity beside stable and takes no user traffic
 * (preview only); optional pre-promotion analysis judges it through the preview; the cutover is one
 * `set-traffic`; the old revision then stays at full capacity for `scaleDownDelayMs`, so a rollback
 * during that window is a single switch back, and is retired afterwards.
 *
 * Stages: `deploy` → (`preview`) → `ready` → `switched` → promoted.
 */
import { splitWeights } from '../capacity.ts';
import { requestAbort } from '../rollback.ts';
import type { BlueGreenStrategy } from '../spec.ts';
import {
  advance,
  analyse,
  analysisWake,
  ensure,
  readyOf,
  record,
  route,
  type StepContext,
  type StrategyOutcome,
} from './context.ts';

export function blueGreenStep(ctx: StepContext, strategy: BlueGreenStrategy): StrategyOutcome | undefined {
  const { spec, memo, candidate, stable, now } = ctx;
  if (memo.stage === 'start') advance(ctx, 'deploy');

  if (memo.stage === 'switched') return afterSwitch(ctx, strategy);

  const actions = ensure(ctx, candidate, spec.replicas);
  const ready = readyOf(ctx, candidate);
  if (ready < spec.replicas) {
    return {
      phase: 'progressing',
      actions,
      reason: `waiting for the candidate at full capacity (${ready}/${spec.replicas} ready)`,
      waitingOnTarget: true,
    };
  }
  if (memo.stage === 'deploy') advance(ctx, strategy.prePromotionAnalysis ? 'preview' : 'ready');

  if (memo.stage === 'preview' && !memo.promoteRequested) {
    const until = memo.stepStartedAt + spec.progressDeadlineMs;
    const v = analyse(ctx, now >= until);
    if (v.kind === 'fail') {
      requestAbort(ctx, 'analysis', `pre-promotion analysis failed: ${v.reasons.join('; ')}`);
      return undefined;
    }
    if (v.kind === 'inconclusive') {
      if (now >= until) {
        requestAbort(
          ctx,
          'analysis',
          `pre-promotion analysis inconclusive after ${spec.progressDeadlineMs} ms`,
        );
        return undefined;
      }
      return {
        phase: 'analysing',
        actions,
        reason: `previewing the candidate: ${v.reasons.join('; ')}`,
        wakeAt: analysisWake(ctx, until),
      };
    }
    advance(ctx, 'ready');
    actions.push(
      record(ctx, 'analysis', `pre-promotion analysis passed: ${v.reasons.join('; ')}`, { verdict: v }),
    );
  }

  if (!strategy.autoPromote && !memo.promoteRequested) {
    memo.stage = 'ready';
    return { phase: 'paused', actions, reason: 'candidate ready at full capacity; waiting for promote' };
  }
  // The cutover: every user moves in one switch; stable stays up for the scale-down delay.
  const why = memo.promoteRequested ? 'promoted by operator' : 'candidate ready';
  actions.push(...route(ctx, splitWeights(stable, candidate, 100), `${why}: cutover to the candidate`));
  memo.switchedAt = now;
  advance(ctx, 'switched');
  const done = afterSwitch(ctx, strategy);
  return { ...done, actions: [...actions, ...done.actions] };
}

function afterSwitch(ctx: StepContext, strategy: BlueGreenStrategy): StrategyOutcome {
  const { spec, memo, stable, now } = ctx;
  const until = (memo.switchedAt ?? now) + strategy.scaleDownDelayMs;
  if (stable !== undefined && now < until) {
    return {
      phase: 'promoting',
      actions: [],
      reason: `cut over; keeping release ${stable} for ${Math.round((until - now) / 1000)} s for an instant rollback`,
      wakeAt: until,
    };
  }
  const actions = [];
  if (stable !== undefined)
    actions.push({ kind: 'retire-revision' as const, release: stable, drainMs: spec.drainMs });
  actions.push(record(ctx, 'promoted', 'blue-green cutover complete'));
  return { phase: 'promoted', actions, reason: 'blue-green cutover complete: promoted' };
}
