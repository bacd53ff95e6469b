/**
 * What every strategy step works with, and the small helpers they share: actions are emitted only
 * when the world differs from what is wanted, so re-deciding from the same observation is harmless.
 */
import { checksVerdict, combineVerdicts, foldReading } from '../analysis/checks.ts';
import { judge } from '../analysis/judge.ts';
import { sameWeights, splitWeights, type Weights } from '../capacity.ts';
import type { Progress } from '../progress.ts';
import type { ReleaseSpec } from '../spec.ts';
import type { Action, LedgerEvent, LedgerEventKind, Observed, Phase, Verdict } from '../types.ts';

export interface StepContext {
  spec: ReleaseSpec;
  observed: Observed;
  now: number;
  /** Working copy of the memo; the strategy updates it in place. */
  memo: Progress;
  /** Revision id of the candidate (`spec.revision ?? spec.release`). */
  candidate: number;
  /** Revision serving users before this operation, if any. */
  stable?: number;
}

/** A strategy's answer for this instant. */
export interface StrategyOutcome {
  phase: Phase;
  actions: Action[];
  reason: string;
  wakeAt?: number;
  /** True while waiting for the target (instances to come up): the progress deadline runs. */
  waitingOnTarget?: boolean;
}

/** How often analysis looks at the counters when the spec does not say. */
export const DEFAULT_ANALYSIS_INTERVAL_MS = 1000;

export function readyOf(ctx: StepContext, release: number | undefined): number {
  if (release === undefined) return 0;
  return ctx.observed.revisions.find((r) => r.release === release)?.ready ?? 0;
}

export function desiredOf(ctx: StepContext, release: number | undefined): number | undefined {
  if (release === undefined) return undefined;
  return ctx.observed.revisions.find((r) => r.release === release)?.desired;
}

/**
 * The capacity the candidate is sized from: `replicas`, or more when stable runs more now (an
 * autoscaler scaled it up), so that taking over stable's share never means fewer instances.
 */
export function capacityOf(ctx: StepContext): number {
  return Math.max(ctx.spec.replicas, desiredOf(ctx, ctx.stable) ?? 0);
}

export function weightOf(ctx: StepContext, release: number): number {
  return ctx.observed.weights[String(release)] ?? 0;
}

/** `ensure-revision` only when the target runs a different number of instances. */
export function ensure(ctx: StepContext, release: number, replicas: number): Action[] {
  return desiredOf(ctx, release) === replicas ? [] : [{ kind: 'ensure-revision', release, replicas }];
}

export function record(
  ctx: StepContext,
  kind: LedgerEventKind,
  reason: string,
  extra: Partial<LedgerEvent> = {},
): Action {
  return { kind: 'record', event: { kind, release: ctx.spec.release, at: ctx.now, reason, ...extra } };
}

/** `set-traffic` plus its ledger line, only when the routing would change. */
export function route(ctx: StepContext, weights: Weights, reason: string): Action[] {
  if (sameWeights(weights, ctx.observed.weights)) return [];
  return [{ kind: 'set-traffic', weights }, record(ctx, 'traffic', reason, { weights })];
}

/** Moves a canary or blue-green to its next step, which starts now. */
export function advance(ctx: StepContext, stage?: string): void {
  ctx.memo.stepIndex += stage === undefined ? 1 : 0;
  if (stage !== undefined) ctx.memo.stage = stage;
  ctx.memo.stepStartedAt = ctx.now;
  ctx.memo.progressAt = ctx.now;
  // The step that looked at the checks is over: the next one asks again if it analyses.
  if (ctx.memo.checks) ctx.memo.checks.wanted = false;
}

/**
 * One look of the analysis at the evidence: the request judge over the cumulative counts, then the
 * custom checks (`analysis/checks.ts`) over the engine's latest read; the verdict is the worse of
 * the two. Without counts for a revision (the metrics provider is offline) there is no request
 * evidence at all, which is not the same as "no requests": that part is inconclusive and the
 * judge's state is left untouched.
 */
export function analyse(ctx: StepContext, deadlineReached = false): Verdict {
  let verdict = judgeCounts(ctx, deadlineReached);
  const { checks, noData } = ctx.spec.analysis;
  if (checks?.length) {
    ctx.memo.checks = foldReading(checks, noData, ctx.memo.checks, ctx.observed.checks);
    verdict = combineVerdicts(
      verdict,
      checksVerdict(checks, noData, ctx.memo.checks, ctx.memo.stepStartedAt),
    );
  }
  ctx.memo.verdict = verdict;
  return verdict;
}

function judgeCounts(ctx: StepContext, deadlineReached: boolean): Verdict {
  const cand = ctx.observed.metrics[String(ctx.candidate)];
  const stable = ctx.stable === undefined ? undefined : ctx.observed.metrics[String(ctx.stable)];
  if (!cand || (ctx.stable !== undefined && !stable)) {
    return {
      kind: 'inconclusive',
      reasons: ['no metrics available for the candidate or stable revision (provider offline?)'],
      evidence: {},
    };
  }
  const zero = { requests: 0, errors: 0, slow: 0 };
  const j = judge(ctx.spec.analysis, ctx.memo.judge, stable ?? zero, cand, { deadlineReached });
  ctx.memo.judge = j.state;
  return j.verdict;
}

export function analysisWake(ctx: StepContext, deadline?: number): number {
  const next = ctx.now + (ctx.spec.analysis.intervalMs ?? DEFAULT_ANALYSIS_INTERVAL_MS);
  return deadline === undefined ? next : Math.min(next, deadline);
}

/**
 * Full promotion, shared by canary (after its steps or on `promote`), rolling and first deploys:
 * candidate scaled to full capacity → once ready, all traffic to it in one switch → the old revision
 * retired after draining.
 */
export function promoteFully(ctx: StepContext, why: string): StrategyOutcome {
  const { spec, candidate, stable } = ctx;
  ctx.memo.stage = 'promote';
  const full = capacityOf(ctx);
  const actions = ensure(ctx, candidate, full);
  const ready = readyOf(ctx, candidate);
  if (ready < full) {
    return {
      phase: 'promoting',
      actions,
      reason: `${why}: waiting for the candidate at full capacity (${ready}/${full} ready)`,
      waitingOnTarget: true,
    };
  }
  actions.push(...route(ctx, splitWeights(stable, candidate, 100), `${why}: all traffic to the candidate`));
  if (stable !== undefined) actions.push({ kind: 'retire-revision', release: stable, drainMs: spec.drainMs });
  actions.push(record(ctx, 'promoted', why, { weights: splitWeights(stable, candidate, 100) }));
  return { phase: 'promoted', actions, reason: `${why}: promoted` };
}
