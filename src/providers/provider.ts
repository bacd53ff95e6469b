import type { RevisionCounts } from '../core/types.ts';

/** A source of per-revision evidence for analysis (the local proxy's counters, Prometheus, HTTP checks). */
export interface MetricProvider {
  /** Cumulative counts per release number (as string) for the given revisions. */
  counts(releases: number[]): Promise<Record<string, RevisionCounts>>;
  isOnline(): Promise<boolean>;
}
