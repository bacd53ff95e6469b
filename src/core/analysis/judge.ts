/**
 * The analysis judge: turns cumulative per-revision counts into a `pass | fail | inconclusive` verdict
 * with the numbers that led to it. Pure: no I/O, clock or randomness; everything it remembers between
 * looks is in the returned, JSON-serializable `JudgeState`, which the engine persists.
 *
 * Per bad-event signal (errors, and slow requests when a latency bound is set) it runs
 * - a relative test against stable (`relative-test.ts`): fail when its e-value reaches 1/α';
 * - an absolute guard (`confidence-sequence.ts`): fail when the candidate's rate is, with confidence,
 *   above the configured maximum — this catches a bad candidate even when stable has no errors;
 * and over everything a failure budget in requests as a hard stop. α is split evenly (α' = α / tests)
 * so the probability of rolling back a candidate that is no worse than stable and within its limits
 * stays below α, however often the judge is called (docs/analysis.md).
 *
 * `pass` needs reverse evidence: at least `minSample` candidate requests, every confidence upper bound
 * below its maximum, and no relative test halfway (geometrically) to rejection.
 */
import type { AnalysisSpec } from '../spec.ts';
import type { RevisionCounts, Verdict, VerdictKind } from '../types.ts';
import { type BetaPrior, priorWithMean, type RateInterval, rateInterval } from './confidence-sequence.ts';
import { addCounts, assertCounts, countsDelta, ZERO_COUNTS } from './counts.ts';
import { boundedExp, eValue, percent } from './format.ts';
import {
  initialRelativeTest,
  type RelativeTestState,
  relativeLogE,
  updateRelativeTest,
} from './relative-test.ts';
import { assertAnalysisSpec } from './spec-check.ts';

/** Serializable state carried between calls (persisted by the engine inside the progress memo). */
export interface JudgeState {
  version: 1;
  /** Raw counters seen at the previous call, to compute deltas. */
  stable: RevisionCounts;
  candidate: RevisionCounts;
  /** Sums of the deltas: equal to the raw counters unless a counter was reset. */
  totals: { stable: RevisionCounts; candidate: RevisionCounts };
  errors: RelativeTestState;
  slow: RelativeTestState;
  /** Number of calls folded into this state. */
  looks: number;
}

export interface Judgement {
  verdict: Verdict;
  state: JudgeState;
}

export interface JudgeOptions {
  /**
   * The caller's time for gathering evidence is over (e.g. an analysis step's maxDurationMs). Only
   * then is `spec.noData` applied to a candidate that received no requests; before it, no data is
   * simply `inconclusive`. Default false.
   */
  deadlineReached?: boolean;
}

type Signal = 'errors' | 'slow';

interface SignalReport {
  signal: Signal;
  logE: number;
  maxLogE: number;
  logThreshold: number;
  interval: RateInterval;
  /** Acceptable maximum for the absolute guard, when there is one. */
  maxRate?: number;
  k: number;
  m: number;
  share: number;
  candidateBad: number;
  stableBad: number;
}

export function initialJudgeState(): JudgeState {
  return {
    version: 1,
    stable: ZERO_COUNTS,
    candidate: ZERO_COUNTS,
    totals: { stable: ZERO_COUNTS, candidate: ZERO_COUNTS },
    errors: initialRelativeTest(),
    slow: initialRelativeTest(),
    looks: 0,
  };
}

/** Pure: the same inputs always give the same verdict. Counts are cumulative since the candidate started. */
export function judge(
  spec: AnalysisSpec,
  prev: JudgeState | undefined,
  stable: RevisionCounts,
  candidate: RevisionCounts,
  options: JudgeOptions = {},
): Judgement {
  assertAnalysisSpec(spec);
  assertCounts('stable', stable);
  assertCounts('candidate', candidate);
  const state = advance(prev ?? initialJudgeState(), stable, candidate, judgesSlow(spec));
  return { verdict: decide(spec, state, options), state };
}

/** Slow requests are evidence only when the spec defines "slow"; otherwise their counters are ignored. */
function judgesSlow(spec: AnalysisSpec): boolean {
  return spec.maxLatencyMs !== undefined || spec.latencyPercentile !== undefined;
}

function advance(
  prev: JudgeState,
  stable: RevisionCounts,
  candidate: RevisionCounts,
  withSlow: boolean,
): JudgeState {
  const ds = countsDelta(prev.stable, stable);
  const dc = countsDelta(prev.candidate, candidate);
  const batch = (signal: Signal) => ({
    candidateRequests: dc.requests,
    stableRequests: ds.requests,
    candidateBad: dc[signal],
    stableBad: ds[signal],
  });
  return {
    version: 1,
    stable: { ...stable },
    candidate: { ...candidate },
    totals: { stable: addCounts(prev.totals.stable, ds), candidate: addCounts(prev.totals.candidate, dc) },
    errors: updateRelativeTest(prev.errors, batch('errors')),
    slow: withSlow ? updateRelativeTest(prev.slow, batch('slow')) : prev.slow,
    looks: prev.looks + 1,
  };
}

function decide(spec: AnalysisSpec, state: JudgeState, options: JudgeOptions): Verdict {
  const withSlow = judgesSlow(spec);
  const tests = 2 + (withSlow ? 1 : 0) + (withSlow && spec.maxSlowRate !== undefined ? 1 : 0);
  const alphaEach = spec.alpha / tests;
  const { candidate: c, stable: s } = state.totals;
  const reports: SignalReport[] = [
    report('errors', state.errors, c.errors, s.errors, c.requests, alphaEach, spec.maxErrorRate),
  ];
  if (withSlow)
    reports.push(report('slow', state.slow, c.slow, s.slow, c.requests, alphaEach, spec.maxSlowRate));
  const evidence = buildEvidence(spec, state, reports, alphaEach);

  const failures = failureReasons(spec, state, reports);
  if (failures.length > 0) return { kind: 'fail', reasons: failures, evidence };

  if (c.requests === 0) return noDataVerdict(spec, options, s.requests, evidence);

  const pending = missingForPass(spec, c.requests, reports);
  if (pending.length === 0) {
    return { kind: 'pass', reasons: passReasons(spec, c.requests, reports), evidence };
  }
  // Past the deadline the caller decides (the engine rolls back an analysis step that timed out);
  // the judge says plainly that the evidence never became sufficient.
  const deadline = options.deadlineReached
    ? [`analysis deadline reached without enough evidence after ${c.requests} candidate requests`]
    : [];
  return { kind: 'inconclusive', reasons: [...deadline, ...pending], evidence };
}

function report(
  signal: Signal,
  test: RelativeTestState,
  candidateBad: number,
  stableBad: number,
  candidateRequests: number,
  alphaEach: number,
  maxRate: number | undefined,
): SignalReport {
  // Without a configured maximum the interval is still reported; its prior is centred on 1%.
  const prior: BetaPrior = priorWithMean(maxRate ?? 0.01);
  return {
    signal,
    logE: relativeLogE(test),
    maxLogE: test.maxLogE,
    logThreshold: Math.log(1 / alphaEach),
    interval: rateInterval(candidateBad, candidateRequests, alphaEach, prior),
    ...(maxRate !== undefined ? { maxRate } : {}),
    k: test.k,
    m: test.m,
    share: test.lastShare,
    candidateBad,
    stableBad,
  };
}

function failureReasons(spec: AnalysisSpec, state: JudgeState, reports: SignalReport[]): string[] {
  const reasons: string[] = [];
  const c = state.totals.candidate;
  if (c.errors >= spec.failureBudget) {
    reasons.push(
      `failure budget spent: the candidate failed ${c.errors} requests, budget ${spec.failureBudget}`,
    );
  }
  for (const r of reports) {
    const noun = r.signal === 'errors' ? 'failed' : 'slow';
    if (r.maxLogE >= r.logThreshold) {
      reasons.push(
        `candidate is worse than stable: ${r.k} of ${r.m} ${noun} requests were on the candidate while it served ${percent(r.share)} of traffic; e-value ${eValue(boundedExp(r.maxLogE))} reached ${eValue(boundedExp(r.logThreshold))}`,
      );
    }
    if (r.maxRate !== undefined && r.interval.lower > r.maxRate) {
      reasons.push(
        `candidate ${noun}-request rate is above its maximum: ${r.candidateBad} of ${c.requests} (${percent(r.candidateBad / c.requests)}), at least ${percent(r.interval.lower)} with confidence, maximum ${percent(r.maxRate)}`,
      );
    }
  }
  return reasons;
}

function noDataVerdict(
  spec: AnalysisSpec,
  options: JudgeOptions,
  stableRequests: number,
  evidence: Record<string, number>,
): Verdict {
  if (!options.deadlineReached) {
    return {
      kind: 'inconclusive',
      reasons: [`no candidate requests yet (stable served ${stableRequests}); waiting for traffic`],
      evidence,
    };
  }
  const kind: VerdictKind = spec.noData;
  return {
    kind,
    reasons: [
      `no candidate requests before the analysis deadline (stable served ${stableRequests}); no-data policy is '${spec.noData}'`,
    ],
    evidence,
  };
}

function missingForPass(spec: AnalysisSpec, requests: number, reports: SignalReport[]): string[] {
  const missing: string[] = [];
  if (requests < spec.minSample) {
    missing.push(`minimum sample not reached: ${requests} of ${spec.minSample} candidate requests`);
  }
  for (const r of reports) {
    const noun = r.signal === 'errors' ? 'failed' : 'slow';
    if (r.maxRate !== undefined && r.interval.upper >= r.maxRate) {
      missing.push(
        `candidate ${noun}-request rate not yet shown below ${percent(r.maxRate)}: ${r.candidateBad} of ${requests}, upper bound ${percent(r.interval.upper)}`,
      );
    }
    if (r.logE >= r.logThreshold / 2) {
      missing.push(
        `candidate may be worse than stable: ${r.k} of ${r.m} ${noun} requests on the candidate at ${percent(r.share)} of traffic (e-value ${eValue(boundedExp(r.logE))}, rejection at ${eValue(boundedExp(r.logThreshold))})`,
      );
    }
  }
  return missing;
}

function passReasons(spec: AnalysisSpec, requests: number, reports: SignalReport[]): string[] {
  const reasons = [`${requests} candidate requests (minimum ${spec.minSample})`];
  for (const r of reports) {
    const noun = r.signal === 'errors' ? 'failed' : 'slow';
    const bound =
      r.maxRate !== undefined
        ? `, at most ${percent(r.interval.upper)} with confidence (maximum ${percent(r.maxRate)})`
        : '';
    reasons.push(
      `${r.candidateBad} ${noun} candidate requests (${percent(r.candidateBad / requests)})${bound}; no evidence it is worse than stable (${r.stableBad} ${noun} on stable, e-value ${eValue(boundedExp(r.logE))})`,
    );
  }
  return reasons;
}

function buildEvidence(
  spec: AnalysisSpec,
  state: JudgeState,
  reports: SignalReport[],
  alphaEach: number,
): Record<string, number> {
  const { candidate: c, stable: s } = state.totals;
  const evidence: Record<string, number> = {
    candidateRequests: c.requests,
    candidateErrors: c.errors,
    candidateSlow: c.slow,
    stableRequests: s.requests,
    stableErrors: s.errors,
    stableSlow: s.slow,
    stableErrorRate: s.requests > 0 ? s.errors / s.requests : 0,
    alpha: spec.alpha,
    alphaPerTest: alphaEach,
    failureBudget: spec.failureBudget,
    minSample: spec.minSample,
    looks: state.looks,
  };
  for (const r of reports) {
    evidence[`${r.signal}EValue`] = boundedExp(r.logE);
    evidence[`${r.signal}MaxEValue`] = boundedExp(r.maxLogE);
    evidence[`${r.signal}Threshold`] = boundedExp(r.logThreshold);
    evidence[`${r.signal}K`] = r.k;
    evidence[`${r.signal}M`] = r.m;
    evidence[`${r.signal}P0`] = r.share;
    evidence[`${r.signal}CandidateRate`] = c.requests > 0 ? r.candidateBad / c.requests : 0;
    evidence[`${r.signal}Lower`] = r.interval.lower;
    evidence[`${r.signal}Upper`] = r.interval.upper;
    if (r.maxRate !== undefined) evidence[`${r.signal}MaxRate`] = r.maxRate;
  }
  return evidence;
}
