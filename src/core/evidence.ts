/**
 * The evidence function: one look at the candidate, gathered once per decision before the strategy
 * runs, and only when the strategy says it judges the candidate now (its `look`).
 *
 * The request judge (`analysis/judge.ts`) folds the cumulative counts into its sequential tests; the
 * custom checks (`analysis/checks.ts`) fold the engine's latest read into their streaks; the verdict
 * is the worse of the two, with every number behind it in `evidence`. Without counts for a revision
 * (the metrics provider is offline) there is no request evidence at all, which is not the same as
 * "no requests": that part is inconclusive and the judge's state is left as it was — passing a
 * candidate because Prometheus went down would be unsafe. A target with no metric source at all
 * (`observed.metricSource: 'none'`) is different: the user chose to have no request evidence, so
 * it is "no data" and `analysis.noData` decides, at the same points as for a candidate without
 * requests.
 *
 * Pure: it returns the new analysis memo instead of writing it; the caller stores it.
 */
import { checksVerdict, combineVerdicts, foldReading } from './analysis/checks.ts';
import { judge } from './analysis/judge.ts';
import { noSourceReason, offlineReason } from './analysis/reasons.ts';
import { type AnalysisMemo, wantsChecks } from './memo.ts';
import type { ReleaseSpec } from './spec.ts';
import type { Verdict } from './types.ts';
import type { ReleaseView } from './view.ts';

/** How often analysis looks at the counters when the spec does not say. */
export const DEFAULT_ANALYSIS_INTERVAL_MS = 1000;

/** A strategy's request for evidence in this decision. */
export interface Look {
  /** The time for gathering evidence is over: the no-data policy applies, an inconclusive is final. */
  deadlineReached: boolean;
  /**
   * The time for the candidate to receive traffic is over, though an inconclusive is not final: a
   * candidate without requests gets the no-data verdict now (a canary whose steps are done).
   * Implied by `deadlineReached`.
   */
  noDataDue?: boolean;
  /** When the stage being judged began: a check counts toward a pass only if read since then. */
  since: number;
}

export interface Evidence {
  verdict: Verdict;
  /** The analysis memo after this look (judge state, check streaks, this verdict). */
  analysis: AnalysisMemo;
}

export function gatherEvidence(view: ReleaseView, prev: AnalysisMemo, look: Look): Evidence {
  const counts = judgeCounts(view, prev, look);
  let verdict = counts.verdict;
  let checks = prev.checks;
  const spec = view.spec.analysis;
  if (spec.checks?.length) {
    checks = foldReading(spec.checks, spec.noData, prev.checks, view.observed.checks);
    verdict = combineVerdicts(verdict, checksVerdict(spec.checks, spec.noData, checks, look.since));
  }
  const judged = counts.judge ?? prev.judge;
  return {
    verdict,
    analysis: {
      wantsChecks: true,
      ...(judged ? { judge: judged } : {}),
      ...(checks ? { checks } : {}),
      verdict,
    },
  };
}

function judgeCounts(view: ReleaseView, prev: AnalysisMemo, look: Look) {
  const { metrics } = view.observed;
  const spec = view.spec.analysis;
  if (view.observed.metricSource === 'none') {
    const due = look.deadlineReached || look.noDataDue === true;
    const verdict: Verdict = {
      kind: due ? spec.noData : 'inconclusive',
      reasons: [noSourceReason(spec, due)],
      evidence: {},
    };
    return { verdict, judge: undefined };
  }
  const cand = metrics[String(view.candidate)];
  const stable = view.stable === undefined ? undefined : metrics[String(view.stable)];
  if (!cand || (view.stable !== undefined && !stable)) {
    const verdict: Verdict = { kind: 'inconclusive', reasons: [offlineReason()], evidence: {} };
    return { verdict, judge: undefined };
  }
  const zero = { requests: 0, errors: 0, slow: 0 };
  const j = judge(spec, prev.judge, stable ?? zero, cand, {
    deadlineReached: look.deadlineReached,
    noDataDue: look.noDataDue === true,
  });
  return { verdict: j.verdict, judge: j.state };
}

/** The next look while analysis runs: one analysis interval from now, or `deadline` if sooner. */
export function analysisWake(view: ReleaseView, deadline?: number): number {
  const next = view.now + (view.spec.analysis.intervalMs ?? DEFAULT_ANALYSIS_INTERVAL_MS);
  return deadline === undefined ? next : Math.min(next, deadline);
}

/**
 * For the engine: read the checks now? Only while the last decision analysed the candidate (its
 * memo says so) and at most once per analysis interval.
 */
export function checksDue(
  spec: ReleaseSpec,
  memo: unknown,
  now: number,
  lastReadAt: number | undefined,
): boolean {
  if (!spec.analysis.checks?.length || !wantsChecks(memo)) return false;
  const interval = spec.analysis.intervalMs ?? DEFAULT_ANALYSIS_INTERVAL_MS;
  return lastReadAt === undefined || now - lastReadAt >= interval;
}
