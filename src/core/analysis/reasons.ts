/**
 * The rules that turn signal reports into a verdict, each returning its reasons in plain words with
 * the numbers (an empty list means the rule does not apply).
 */
import type { AnalysisSpec } from '../spec.ts';
import { boundedExp, eValue, percent } from './format.ts';
import type { SignalReport } from './signals.ts';

const noun = (r: SignalReport): string => (r.signal === 'errors' ? 'failed' : 'slow');

/** Why the candidate must be rolled back now: the failure budget, a relative test, an absolute guard. */
export function failureReasons(
  spec: AnalysisSpec,
  candidateErrors: number,
  reports: SignalReport[],
): string[] {
  const reasons: string[] = [];
  if (candidateErrors >= spec.failureBudget) {
    reasons.push(
      `failure budget spent: the candidate failed ${candidateErrors} requests, budget ${spec.failureBudget}`,
    );
  }
  for (const r of reports) {
    if (r.maxLogE >= r.logThreshold) {
      reasons.push(
        `candidate is worse than stable: ${r.k} of ${r.m} ${noun(r)} requests were on the candidate while it served ${percent(r.share)} of traffic; e-value ${eValue(boundedExp(r.maxLogE))} reached ${eValue(boundedExp(r.logThreshold))}`,
      );
    }
    if (r.maxRate !== undefined && r.interval.lower > r.maxRate) {
      reasons.push(
        `candidate ${noun(r)}-request rate is above its maximum: ${r.candidateBad} of ${r.candidateRequests} (${percent(r.candidateBad / r.candidateRequests)}), at least ${percent(r.interval.lower)} with confidence, maximum ${percent(r.maxRate)}`,
      );
    }
  }
  return reasons;
}

/** What a pass still lacks: the minimum sample, an upper bound below a maximum, a calm relative test. */
export function missingForPass(spec: AnalysisSpec, requests: number, reports: SignalReport[]): string[] {
  const missing: string[] = [];
  if (requests < spec.minSample) {
    missing.push(`minimum sample not reached: ${requests} of ${spec.minSample} candidate requests`);
  }
  for (const r of reports) {
    if (r.maxRate !== undefined && r.interval.upper >= r.maxRate) {
      missing.push(
        `candidate ${noun(r)}-request rate not yet shown below ${percent(r.maxRate)}: ${r.candidateBad} of ${requests}, upper bound ${percent(r.interval.upper)}`,
      );
    }
    // Halfway to rejection on the log scale: E ≥ 1/√α'.
    if (r.logE >= r.logThreshold / 2) {
      missing.push(
        `candidate may be worse than stable: ${r.k} of ${r.m} ${noun(r)} requests on the candidate at ${percent(r.share)} of traffic (e-value ${eValue(boundedExp(r.logE))}, rejection at ${eValue(boundedExp(r.logThreshold))})`,
      );
    }
  }
  return missing;
}

export function passReasons(spec: AnalysisSpec, requests: number, reports: SignalReport[]): string[] {
  const reasons = [`${requests} candidate requests (minimum ${spec.minSample})`];
  for (const r of reports) {
    const bound =
      r.maxRate !== undefined
        ? `, at most ${percent(r.interval.upper)} with confidence (maximum ${percent(r.maxRate)})`
        : '';
    reasons.push(
      `${r.candidateBad} ${noun(r)} candidate requests (${percent(r.candidateBad / requests)})${bound}; no evidence it is worse than stable (${r.stableBad} ${noun(r)} on stable, e-value ${eValue(boundedExp(r.logE))})`,
    );
  }
  return reasons;
}

/**
 * No candidate request to judge. The reason names the policy field and what it will do, from the
 * first look: a rehearsal without traffic should learn at once why it waits and how not to.
 */
export function noDataReason(spec: AnalysisSpec, deadlineReached: boolean, stableRequests: number): string {
  const fix = 'send it requests, or set analysis.noData: pass to pass a candidate that got none';
  if (deadlineReached) {
    const head = `no candidate requests before the analysis deadline (stable served ${stableRequests}); no-data policy is '${spec.noData}'`;
    return spec.noData === 'inconclusive' ? `${head} (${fix})` : head;
  }
  const wait = `no candidate requests yet (stable served ${stableRequests}); waiting for traffic`;
  if (spec.noData === 'inconclusive') {
    return `${wait}: without any, analysis.noData: inconclusive never passes it (${fix})`;
  }
  return `${wait} until the deadline, when analysis.noData: ${spec.noData} ${spec.noData === 'pass' ? 'passes' : 'fails'} it`;
}

/**
 * The target has no metric source (`observed.metricSource: 'none'`): no request evidence will ever
 * come, so the no-data policy decides once it is due. Names the field to set and the policy.
 */
export function noSourceReason(spec: AnalysisSpec, due: boolean): string {
  const head = 'no request evidence: the target has no metric source (analysis.prometheus.url is not set)';
  const fix = 'set analysis.prometheus.url, or analysis.noData: pass to pass a candidate without evidence';
  if (due) {
    const tail = `no-data policy is '${spec.noData}'`;
    return spec.noData === 'inconclusive' ? `${head}; ${tail} (${fix})` : `${head}; ${tail}`;
  }
  if (spec.noData === 'inconclusive') {
    return `${head}: analysis.noData: inconclusive never passes it (${fix})`;
  }
  return `${head}; at the deadline analysis.noData: ${spec.noData} ${spec.noData === 'pass' ? 'passes' : 'fails'} it`;
}

/**
 * The provider did not answer: "can't know", not "no requests", so the no-data policy does not
 * apply (a Prometheus outage must not pass a candidate) and the analysis stays inconclusive.
 */
export function offlineReason(): string {
  return 'no metrics available for the candidate or stable revision (provider offline?): analysis cannot judge it while the metric provider does not answer, whatever analysis.noData says; make the provider reachable from where slipway runs';
}
