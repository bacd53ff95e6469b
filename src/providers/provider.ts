import type { RevisionCounts } from '../core/types.ts';

/** A source of per-revision evidence for analysis (the local proxy's counters, Prometheus, HTTP checks). */
export interface MetricProvider {
  /** Cumulative counts per release number (as string) for the given revisions. */
  counts(releases: number[]): Promise<Record<string, RevisionCounts>>;
  isOnline(): Promise<boolean>;
  /**
   * `none`: there is no source behind this provider (kubernetes without `analysis.prometheus.url`),
   * so analysis has no data by the user's choice and its `noData` policy decides. Absent for a real
   * source, whose silence (offline) means "cannot know" and never applies the policy.
   */
  readonly source?: 'none';
}
