/**
 * One bad-event signal (failed requests, or slow requests) summarised for a decision: where its
 * relative test stands and what the confidence sequence says about the candidate's rate.
 */
import type { AnalysisSpec } from '../spec.ts';
import type { RevisionCounts } from '../types.ts';
import { priorWithMean, type RateInterval, rateInterval } from './confidence-sequence.ts';
import { boundedExp } from './format.ts';
import { type RelativeTestState, relativeLogE } from './relative-test.ts';

export type Signal = 'errors' | 'slow';

export interface SignalReport {
  signal: Signal;
  /** Current and largest-ever ln E of the relative test, and ln(1/α') at which it rejects. */
  logE: number;
  maxLogE: number;
  logThreshold: number;
  /** The confidence sequence for the candidate's rate of this signal. */
  interval: RateInterval;
  /** Acceptable maximum for the absolute guard, when there is one. */
  maxRate?: number;
  /** Bad events on the candidate / on both revisions that entered the relative test. */
  k: number;
  m: number;
  /** The candidate's request share in the latest batch (p0). */
  share: number;
  candidateRequests: number;
  candidateBad: number;
  stableBad: number;
}

/** Totals of both revisions, as the judge keeps them. */
export interface Totals {
  stable: RevisionCounts;
  candidate: RevisionCounts;
}

export function signalReport(
  signal: Signal,
  test: RelativeTestState,
  totals: Totals,
  alphaEach: number,
  maxRate: number | undefined,
): SignalReport {
  const { candidate, stable } = totals;
  // Without a configured maximum the interval is still reported, mixed around 1%.
  const prior = priorWithMean(maxRate ?? 0.01);
  return {
    signal,
    logE: relativeLogE(test),
    maxLogE: test.maxLogE,
    logThreshold: Math.log(1 / alphaEach),
    interval: rateInterval(candidate[signal], candidate.requests, alphaEach, prior),
    ...(maxRate !== undefined ? { maxRate } : {}),
    k: test.k,
    m: test.m,
    share: test.lastShare,
    candidateRequests: candidate.requests,
    candidateBad: candidate[signal],
    stableBad: stable[signal],
  };
}

/** The verdict's `evidence`: every number a reason may quote, all finite so it stays valid JSON. */
export function evidenceOf(
  spec: AnalysisSpec,
  totals: Totals,
  looks: number,
  reports: SignalReport[],
  alphaEach: number,
): Record<string, number> {
  const { candidate: c, stable: s } = totals;
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
    looks,
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
