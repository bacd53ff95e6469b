/**
 * Canary: ordered steps (set weight, pause, analyse) while stable keeps its full capacity; the
 * candidate runs just the instances its weight needs. Promotion (after the last step, or on the
 * operator's `promote`) is the shared full promotion: candidate at full capacity → weights 100 →
 * old revision retired after draining.
 */
import { canaryReplicas, splitWeights } from '../capacity.ts';
import { requestAbort } from '../rollback.ts';
import type { CanaryStrategy } from '../spec.ts';
import type { Verdict } from '../types.ts';
import {
  advance,
  analyse,
  analysisWake,
  capacityOf,
  desiredOf,
  ensure,
  promoteFully,
  readyOf,
  record,
  route,
  type StepContext,
  type StrategyOutcome,
  weightOf,
} from './context.ts';

export function canaryStep(ctx: StepContext, strategy: CanaryStrategy): StrategyOutcome | undefined {
  const { memo, candidate } = ctx;
  if (memo.promoteRequested) return promoteFully(ctx, 'promoted by operator');
  const promoting = memo.stage === 'promote';
  memo.stage = 'steps';
  const current = strategy.steps[memo.stepIndex];

  // One look per decision: an analysis step and continuous analysis share the judge's evidence.
  let verdict: Verdict | undefined;
  const serving = weightOf(ctx, candidate) > 0;
  const analysisOver = current?.kind === 'analysis' && ctx.now >= memo.stepStartedAt + current.maxDurationMs;
  if (current?.kind === 'analysis' || (strategy.continuousAnalysis && serving)) {
    verdict = analyse(ctx, analysisOver);
    if (verdict.kind === 'fail') {
      requestAbort(ctx, 'analysis', `analysis failed: ${verdict.reasons.join('; ')}`);
      return undefined;
    }
  }
  if (!current) {
    const done = `all ${strategy.steps.length} canary steps done`;
    if (strategy.continuousAnalysis && ctx.stable !== undefined && !promoting && verdict?.kind !== 'pass') {
      return awaitPass(ctx, done, verdict);
    }
    return promoteFully(ctx, done);
  }
  const label = `step ${memo.stepIndex + 1}/${strategy.steps.length}`;

  switch (current.kind) {
    case 'weight':
      return weightStep(ctx, current.weight, label);
    case 'pause': {
      if (current.durationMs === undefined) {
        return { phase: 'paused', actions: [], reason: `${label}: paused until promoted` };
      }
      const until = memo.stepStartedAt + current.durationMs;
      if (ctx.now < until) {
        return {
          phase: 'paused',
          actions: [],
          reason: `${label}: pausing ${Math.round((until - ctx.now) / 1000)} s more`,
          wakeAt: strategy.continuousAnalysis && serving ? analysisWake(ctx, until) : until,
        };
      }
      advance(ctx);
      return {
        phase: 'progressing',
        actions: [record(ctx, 'step', `${label}: pause over`)],
        reason: 'pause over',
      };
    }
    case 'analysis': {
      const v = verdict as Verdict;
      if (v.kind === 'pass') {
        advance(ctx);
        const why = `${label}: analysis passed: ${v.reasons.join('; ')}`;
        return { phase: 'progressing', actions: [record(ctx, 'analysis', why, { verdict: v })], reason: why };
      }
      const until = memo.stepStartedAt + current.maxDurationMs;
      if (analysisOver) {
        requestAbort(ctx, 'analysis', `analysis inconclusive after ${current.maxDurationMs} ms`);
        return undefined;
      }
      return {
        phase: 'analysing',
        actions: [],
        reason: `${label}: analysing: ${v.reasons.join('; ')}`,
        wakeAt: analysisWake(ctx, until),
      };
    }
  }
}

/**
 * With continuous analysis, finishing the steps is not evidence: promotion needs a `pass` (enough
 * candidate requests with its failure rate bounded below the maximum), never just "no failure yet".
 * The candidate keeps its last weight while the judge keeps looking; without a pass within the
 * progress deadline (counted from the end of the steps) the release is rolled back.
 */
function awaitPass(
  ctx: StepContext,
  done: string,
  verdict: Verdict | undefined,
): StrategyOutcome | undefined {
  const until = ctx.memo.stepStartedAt + ctx.spec.progressDeadlineMs;
  const evidence = verdict ? verdict.reasons.join('; ') : 'the candidate serves no traffic to judge';
  if (ctx.now >= until) {
    requestAbort(
      ctx,
      'analysis',
      `${done}, but analysis gave no pass within ${ctx.spec.progressDeadlineMs} ms: ${evidence}`,
    );
    return undefined;
  }
  return {
    phase: 'analysing',
    actions: [],
    reason: `${done}: waiting for a passing verdict before promotion: ${evidence}`,
    wakeAt: analysisWake(ctx, until),
  };
}

/**
 * Sets the canary's weight. Growing: instances first, traffic once they are ready. Shrinking: traffic
 * first, so no instance is stopped while it still carries its share. Either way the split moves only
 * when both sides have ready instances for it.
 */
function weightStep(ctx: StepContext, weight: number, label: string): StrategyOutcome {
  const { candidate, stable } = ctx;
  const need = canaryReplicas(capacityOf(ctx), weight);
  const ready = readyOf(ctx, candidate);
  const stableReady = readyOf(ctx, stable);
  const grow = ensure(ctx, candidate, need);
  if (ready < need || (weight < 100 && stableReady === 0)) {
    const missing =
      ready < need ? `${need} candidate instance(s) (${ready} ready)` : `a ready stable instance`;
    return {
      phase: 'progressing',
      actions: need >= (desiredOf(ctx, candidate) ?? 0) ? grow : [],
      reason: `${label}: waiting for ${missing} before ${weight}%`,
      waitingOnTarget: true,
    };
  }
  const why = `${label}: ${weight}% of traffic to the candidate`;
  const traffic = [...route(ctx, splitWeights(stable, candidate, weight), why), record(ctx, 'step', why)];
  const shrinking = need < (desiredOf(ctx, candidate) ?? 0);
  advance(ctx);
  return {
    phase: 'progressing',
    actions: shrinking ? [...traffic, ...grow] : [...grow, ...traffic],
    reason: why,
  };
}
