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
  if (!current) return promoteFully(ctx, `all ${strategy.steps.length} canary steps done`);
  const label = `step ${memo.stepIndex + 1}/${strategy.steps.length}`;

  switch (current.kind) {
    case 'weight': {
      const need = canaryReplicas(ctx.spec.replicas, current.weight);
      const actions = ensure(ctx, candidate, need);
      const ready = readyOf(ctx, candidate);
      if (ready < need) {
        return {
          phase: 'progressing',
          actions,
          reason: `${label}: waiting for ${need} candidate instance(s) before ${current.weight}% (${ready} ready)`,
          waitingOnTarget: true,
        };
      }
      const why = `${label}: ${current.weight}% of traffic to the candidate`;
      actions.push(...route(ctx, splitWeights(ctx.stable, candidate, current.weight), why));
      actions.push(record(ctx, 'step', why));
      advance(ctx);
      return { phase: 'progressing', actions, reason: why };
    }
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
