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
import type { RevisionCounts, Verdict } from '../types.ts';
import { addCounts, assertCounts, countsDelta, ZERO_COUNTS } from './counts.ts';
import { failureReasons, missingForPass, noDataReason, passReasons } from './reasons.ts';
import { initialRelativeTest, type RelativeTestState, updateRelativeTest } from './relative-test.ts';
import { evidenceOf, type Signal, type SignalReport, signalReport, type Totals } from './signals.ts';
import { assertAnalysisSpec } from './spec-check.ts';

/** Serializable state carried between calls (persisted by the engine inside the progress memo). */
export interface JudgeState {
  version: 1;
  /** Raw counters seen at the previous call, to compute deltas. */
  stable: RevisionCounts;
  candidate: RevisionCounts;
  /** Sums of the deltas: equal to the raw counters unless a counter was reset. */
  totals: Totals;
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
  /**
   * Only the no-data part of the deadline: a candidate that received no requests gets `spec.noData`
   * now, one with requests is judged as before the deadline (its inconclusive is not final). A canary
   * whose steps are done: they were its time to receive traffic. Default false.
   */
  noDataDue?: boolean;
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
  if (prev !== undefined && prev.version !== 1) {
    throw new RangeError(
      `judge: unknown judge state version ${String(prev.version)}; pass the state returned by this judge, or undefined to start afresh`,
    );
  }
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
  const { totals } = state;
  const reports: SignalReport[] = [
    signalReport('errors', state.errors, totals, alphaEach, spec.maxErrorRate),
  ];
  if (withSlow) reports.push(signalReport('slow', state.slow, totals, alphaEach, spec.maxSlowRate));
  const evidence = evidenceOf(spec, totals, state.looks, reports, alphaEach);
  const requests = totals.candidate.requests;

  const failures = failureReasons(spec, totals.candidate.errors, reports);
  if (failures.length > 0) return { kind: 'fail', reasons: failures, evidence };

  if (requests === 0) {
    const due = options.deadlineReached === true || options.noDataDue === true;
    const reason = noDataReason(spec, due, totals.stable.requests);
    return { kind: due ? spec.noData : 'inconclusive', reasons: [reason], evidence };
  }

  const pending = missingForPass(spec, requests, reports);
  if (pending.length === 0) return { kind: 'pass', reasons: passReasons(spec, requests, reports), evidence };
  // Past the deadline the caller decides (the canary strategy aborts an analysis step that timed
  // out); the judge says plainly that the evidence never became sufficient.
  const deadline = options.deadlineReached
    ? [`analysis deadline reached without enough evidence after ${requests} candidate requests`]
    : [];
  return { kind: 'inconclusive', reasons: [...deadline, ...pending], evidence };
}
