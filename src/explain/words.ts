/**
 * The numbers of one decision in plain words: the counts it read, the verdict's evidence (e-value
 * against its threshold, the confidence bound against the maximum, the failure budget, the minimum
 * sample), the checks' values and the actions it asked for. Pure.
 *
 * Worked example (a failing canary): `evidenceWords({candidateRequests: 40, candidateErrors: 14,
 * stableRequests: 160, stableErrors: 0, failureBudget: 10, minSample: 50, alpha: 0.05,
 * errorsEValue: 1200, errorsMaxEValue: 1200, errorsThreshold: 40, errorsK: 14, errorsM: 14,
 * errorsP0: 0.2, errorsLower: 0.2, errorsUpper: 0.52, errorsMaxRate: 0.05, …})` →
 * - `candidate 40 requests, 14 failed (35%); stable 160 requests, 0 failed (0%)`
 * - `failed requests vs stable: 14 of 14 on the candidate at 20% of traffic; e-value 1.2e+3, rollback at 40 (alpha 0.05)`
 * - `candidate failed-request rate between 20% and 52% with confidence; maximum 5%`
 * - `failure budget: 14 of 10 failed requests used`
 * - `minimum sample: 40 of 50 candidate requests`
 */
import { eValue, percent } from '../core/analysis/format.ts';
import type { Action, CheckResult, RevisionCounts } from '../core/types.ts';

const rate = (bad: number, of: number) => (of > 0 ? percent(bad / of) : '0%');

/** Per-revision counts the decision read, candidate first when known. */
export function countsWords(counts: Record<string, RevisionCounts>, candidate?: number): string | undefined {
  const ids = Object.keys(counts).sort((a, b) =>
    String(candidate) === a ? -1 : String(candidate) === b ? 1 : Number(a) - Number(b),
  );
  if (ids.length === 0) return undefined;
  return ids
    .map((id) => {
      const c = counts[id] as RevisionCounts;
      const slow = c.slow > 0 ? `, ${c.slow} slow` : '';
      return `release ${id}: ${c.requests} requests, ${c.errors} failed (${rate(c.errors, c.requests)})${slow}`;
    })
    .join('; ');
}

/** The verdict's evidence, one line per test. Keys absent from `e` are left out. */
export function evidenceWords(e: Record<string, number>): string[] {
  const out: string[] = [];
  if (e.candidateRequests !== undefined) {
    const c = `candidate ${e.candidateRequests} requests, ${e.candidateErrors ?? 0} failed (${rate(e.candidateErrors ?? 0, e.candidateRequests)})`;
    const s =
      e.stableRequests === undefined
        ? ''
        : `; stable ${e.stableRequests} requests, ${e.stableErrors ?? 0} failed (${rate(e.stableErrors ?? 0, e.stableRequests)})`;
    out.push(c + s);
  }
  for (const [signal, noun] of [
    ['errors', 'failed'],
    ['slow', 'slow'],
  ] as const) {
    const threshold = e[`${signal}Threshold`];
    if (threshold !== undefined) {
      const k = e[`${signal}K`] ?? 0;
      const m = e[`${signal}M`] ?? 0;
      const now = e[`${signal}EValue`] ?? 0;
      const max = e[`${signal}MaxEValue`] ?? now;
      const largest = max > now ? ` (largest ${eValue(max)})` : '';
      const verdict = max >= threshold ? 'past the rollback threshold' : 'below the rollback threshold';
      out.push(
        `${noun} requests vs stable: ${k} of ${m} on the candidate at ${percent(e[`${signal}P0`] ?? 0)} of traffic; e-value ${eValue(now)}${largest}, rollback at ${eValue(threshold)}: ${verdict}${e.alpha === undefined ? '' : ` (alpha ${e.alpha})`}`,
      );
    }
    const lower = e[`${signal}Lower`];
    const upper = e[`${signal}Upper`];
    if (lower !== undefined && upper !== undefined) {
      const maxRate = e[`${signal}MaxRate`];
      const against =
        maxRate === undefined
          ? ''
          : lower > maxRate
            ? `; maximum ${percent(maxRate)}: above it`
            : upper < maxRate
              ? `; maximum ${percent(maxRate)}: shown below it`
              : `; maximum ${percent(maxRate)}: not decided yet`;
      out.push(
        `candidate ${noun}-request rate between ${percent(lower)} and ${percent(upper)} with confidence${against}`,
      );
    }
  }
  if (e.failureBudget !== undefined) {
    const used = e.candidateErrors ?? 0;
    const spent = used >= e.failureBudget ? ': spent' : '';
    out.push(`failure budget: ${used} of ${e.failureBudget} failed requests used${spent}`);
  }
  if (e.minSample !== undefined && e.candidateRequests !== undefined) {
    const reached = e.candidateRequests >= e.minSample ? ': reached' : '';
    out.push(`minimum sample: ${e.candidateRequests} of ${e.minSample} candidate requests${reached}`);
  }
  return out;
}

export function checkWords(c: CheckResult): string {
  if (c.value !== undefined && Number.isFinite(c.value)) return `check ${c.name} = ${c.value}`;
  return `check ${c.name}: no value${c.error ? ` (${c.error})` : ''}`;
}

const split = (w: Record<string, number>) =>
  Object.entries(w)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([id, pct]) => `${id}:${pct}%`)
    .join(' ');

export function actionWords(a: Action): string {
  switch (a.kind) {
    case 'ensure-revision':
      return `run release ${a.release} with ${a.replicas} instance${a.replicas === 1 ? '' : 's'}`;
    case 'set-traffic':
      return `traffic ${split(a.weights) || 'to nothing'}`;
    case 'retire-revision':
      return `retire release ${a.release} (drain ${Math.round(a.drainMs / 100) / 10} s)`;
  }
}

export { split as splitWords };
