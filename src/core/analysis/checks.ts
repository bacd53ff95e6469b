/**
 * Custom checks (`analysis.queries`) as evidence: pure rules over the engine's reads.
 *
 * - Each read of a check is `ok`, a `breach` (a Prometheus value outside `min`..`max`; an HTTP status
 *   other than `expectStatus`, a timeout or a failed request) or `no-data` (an empty vector, NaN, a
 *   query Prometheus rejected).
 * - A check that is bad on `CONSECUTIVE_BAD` (2) consecutive reads fails the analysis: one noisy read
 *   is tolerated. A no-data read is bad only under `noData: fail`, and only once the check has had
 *   data for this candidate: a fresh candidate's series appear a scrape or two after its first
 *   requests, and that lag must not roll it back. Otherwise a no-data read ends a streak.
 * - A pass needs every check's latest read, taken since the current step started, to be `ok`
 *   (or `no-data` under `noData: pass`, which ignores the check).
 *
 * Each read is counted once, by its time: deciding again from the same read changes nothing. The
 * streaks live in the progress memo, so a resumed engine keeps them.
 */
import { worstVerdict } from '../phase.ts';
import type { CheckSpec, NoDataPolicy } from '../spec.ts';
import type { CheckReading, CheckResult, Verdict } from '../types.ts';

/** Bad reads in a row that fail the analysis. */
export const CONSECUTIVE_BAD = 2;

export type ReadOutcome = 'ok' | 'breach' | 'no-data';

/** The memo's view of one check: its latest counted read and the bad streak ending there. */
export interface CheckState {
  /** Engine time of the latest counted read. */
  at: number;
  outcome: ReadOutcome;
  /** What the read said, after the name in reasons: ` = 0.52 > max 0.3`, `: no data: …`. */
  text: string;
  /** The read's value when it was a finite number (evidence). */
  value?: number;
  /** Consecutive bad reads up to and including the latest. */
  bad: number;
  /** Some read of this check had data (from then on, missing data is a signal, not scrape lag). */
  hadData?: boolean;
}

/** Each check's state, by name. */
export type ChecksMemo = Record<string, CheckState>;

/** Folds a read into the memo: results newer than a check's latest counted read update its streak. */
export function foldReading(
  checks: readonly CheckSpec[],
  noData: NoDataPolicy,
  memo: ChecksMemo | undefined,
  reading: CheckReading | undefined,
): ChecksMemo {
  const byName = { ...(memo ?? {}) };
  if (reading) {
    for (const check of checks) {
      const prev = byName[check.name];
      if (prev && prev.at >= reading.at) continue;
      const result = reading.results.find((r) => r.name === check.name) ?? {
        name: check.name,
        error: 'not read',
      };
      const read = classify(check, result);
      const hadData = (prev?.hadData ?? false) || read.outcome !== 'no-data';
      const bad = read.outcome === 'breach' || (read.outcome === 'no-data' && noData === 'fail' && hadData);
      byName[check.name] = { at: reading.at, ...read, bad: bad ? (prev?.bad ?? 0) + 1 : 0, hadData };
    }
  }
  return byName;
}

function classify(check: CheckSpec, r: CheckResult): Omit<CheckState, 'at' | 'bad'> {
  const why = r.error === undefined ? '' : `: ${r.error}`;
  const finite = r.value !== undefined && Number.isFinite(r.value) ? { value: r.value } : {};
  if (check.kind === 'http') {
    if (r.value === undefined || Number.isNaN(r.value))
      return { outcome: 'breach', text: `: request failed${why}; expected status ${check.expectStatus}` };
    if (r.value !== check.expectStatus)
      return { outcome: 'breach', text: `: status ${r.value}, expected ${check.expectStatus}`, ...finite };
    return { outcome: 'ok', text: `: status ${r.value} as expected`, ...finite };
  }
  if (r.value === undefined || Number.isNaN(r.value)) return { outcome: 'no-data', text: `: no data${why}` };
  const v = num(r.value);
  if (check.max !== undefined && r.value > check.max)
    return { outcome: 'breach', text: ` = ${v} > max ${num(check.max)}`, ...finite };
  if (check.min !== undefined && r.value < check.min)
    return { outcome: 'breach', text: ` = ${v} < min ${num(check.min)}`, ...finite };
  return { outcome: 'ok', text: ` = ${v} within ${bounds(check.min, check.max)}`, ...finite };
}

function bounds(min: number | undefined, max: number | undefined): string {
  return [min === undefined ? '' : `min ${num(min)}`, max === undefined ? '' : `max ${num(max)}`]
    .filter(Boolean)
    .join(', ');
}

/** Six significant digits: enough to see a threshold crossed, without float noise. */
function num(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/**
 * The checks' own verdict: `fail` when a check was bad on `CONSECUTIVE_BAD` reads in a row, `pass`
 * when every check's latest read since `since` (the current step's start) allows it, otherwise
 * `inconclusive` with what is missing.
 */
export function checksVerdict(
  checks: readonly CheckSpec[],
  noData: NoDataPolicy,
  memo: ChecksMemo,
  since: number,
): Verdict {
  const failed: string[] = [];
  const pending: string[] = [];
  const passed: string[] = [];
  const evidence: Record<string, number> = {};
  for (const check of checks) {
    const s = memo[check.name];
    const label = `query ${check.name}`;
    if (s?.value !== undefined) evidence[`query.${check.name}`] = s.value;
    if (s && s.bad >= CONSECUTIVE_BAD) {
      failed.push(`${label}${s.text} on ${s.bad} consecutive reads`);
    } else if (!s || s.at < since) {
      pending.push(`${label}: not read yet in this step`);
    } else if (s.outcome === 'ok') {
      passed.push(`${label}${s.text}`);
    } else if (s.outcome === 'no-data' && noData === 'pass') {
      passed.push(`${label}${s.text}; ignored (noData: pass)`);
    } else if (s.outcome === 'no-data' && noData === 'inconclusive') {
      pending.push(`${label}${s.text}; cannot pass without it (noData: inconclusive)`);
    } else if (s.outcome === 'no-data' && !s.hadData) {
      pending.push(`${label}${s.text}; waiting for its first data`);
    } else {
      pending.push(`${label}${s.text} (${s.bad} read; fails on ${CONSECUTIVE_BAD} consecutive)`);
    }
  }
  if (failed.length > 0) return { kind: 'fail', reasons: failed, evidence };
  if (pending.length > 0) return { kind: 'inconclusive', reasons: pending, evidence };
  return { kind: 'pass', reasons: passed, evidence };
}

/**
 * The worse of the request judge's verdict and the checks' verdict, with the reasons that make it
 * so (for a pass, every reason), and all the evidence.
 */
export function combineVerdicts(a: Verdict, b: Verdict): Verdict {
  const kind = worstVerdict(a.kind, b.kind);
  const reasons = [a, b].filter((v) => v.kind === kind).flatMap((v) => v.reasons);
  return { kind, reasons, evidence: { ...a.evidence, ...b.evidence } };
}
