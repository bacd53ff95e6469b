/**
 * Per-revision traffic samples (cumulative counters plus a latency histogram) and the window
 * statistics the CLI shows: request rate, error rate, p50/p99. Pure functions over plain values.
 */

export interface RevisionSample {
  requests: number;
  errors: number;
  /** Failed attempts on this revision that the proxy retried elsewhere (users never saw them). */
  retried: number;
  /** Cumulative latency histogram: requests that took at most `leMs` (Infinity for the last). */
  buckets: { leMs: number; count: number }[];
  latencySumMs: number;
}

export interface WindowStats {
  requestsPerSec: number;
  /** Share of requests that failed in the window, 0..1; undefined without requests. */
  errorRate?: number;
  p50Ms?: number;
  p99Ms?: number;
  meanMs?: number;
}

/** Reads the proxy's Prometheus exposition into samples keyed by revision. */
export function parseProxyMetrics(text: string): Record<string, RevisionSample> {
  const out: Record<string, RevisionSample> = {};
  const get = (rev: string): RevisionSample => {
    out[rev] ??= { requests: 0, errors: 0, retried: 0, buckets: [], latencySumMs: 0 };
    return out[rev];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, name, labelText, valueText] = m as unknown as [string, string, string, string];
    const labels = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1] as string, l[2] as string]),
    );
    const rev = labels.revision;
    if (rev === undefined) continue;
    const value = Number(valueText);
    switch (name) {
      case 'slipway_proxy_requests_total':
        get(rev).requests += value;
        break;
      case 'slipway_proxy_errors_total':
        get(rev).errors += value;
        break;
      case 'slipway_proxy_retried_total':
        get(rev).retried += value;
        break;
      case 'slipway_proxy_request_duration_seconds_sum':
        get(rev).latencySumMs += value * 1000;
        break;
      case 'slipway_proxy_request_duration_seconds_bucket': {
        const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le) * 1000;
        const buckets = get(rev).buckets;
        const existing = buckets.find((b) => b.leMs === le);
        if (existing) existing.count += value;
        else buckets.push({ leMs: le, count: value });
        break;
      }
    }
  }
  for (const s of Object.values(out)) s.buckets.sort((a, b) => a.leMs - b.leMs);
  return out;
}

/**
 * Statistics of the requests between two samples of one revision, `ms` apart. Percentiles are
 * the upper bound of the bucket holding the rank (what a histogram can honestly say).
 * @example windowStats(a, b, 1000) with 100 more requests, 3 more errors → { requestsPerSec: 100, errorRate: 0.03, … }
 */
export function windowStats(
  before: RevisionSample | undefined,
  after: RevisionSample,
  ms: number,
): WindowStats {
  const requests = after.requests - (before?.requests ?? 0);
  const errors = after.errors - (before?.errors ?? 0);
  const stats: WindowStats = { requestsPerSec: ms > 0 ? (requests * 1000) / ms : 0 };
  if (requests <= 0) return { requestsPerSec: 0 };
  stats.errorRate = Math.max(0, errors) / requests;
  const deltas = after.buckets.map((b) => ({
    leMs: b.leMs,
    count: b.count - (before?.buckets.find((x) => x.leMs === b.leMs)?.count ?? 0),
  }));
  const total = deltas.at(-1)?.count ?? 0;
  if (total > 0) {
    stats.meanMs = (after.latencySumMs - (before?.latencySumMs ?? 0)) / total;
    const p50 = percentile(deltas, total, 0.5);
    const p99 = percentile(deltas, total, 0.99);
    if (p50 !== undefined) stats.p50Ms = p50;
    if (p99 !== undefined) stats.p99Ms = p99;
  }
  return stats;
}

function percentile(
  buckets: { leMs: number; count: number }[],
  total: number,
  q: number,
): number | undefined {
  const rank = q * total;
  const hit = buckets.find((b) => b.count >= rank);
  return hit && Number.isFinite(hit.leMs) ? hit.leMs : undefined;
}
