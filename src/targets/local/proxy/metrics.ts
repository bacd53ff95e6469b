/**
 * Prometheus exposition of the per-revision counters through a prom-client registry of the proxy's own
 * (never the global one, so several proxies in one daemon do not collide). The counters already live in
 * shared memory, so each metric is a collector that reads them at scrape time instead of a prom-client
 * Counter updated on the request path.
 */
import { type Metric, Registry } from 'prom-client';
import type { RevisionCounters, StatusClass } from './counters.ts';

type Value = { value: number; labels: Record<string, string | number>; metricName?: string };

function collector(
  name: string,
  help: string,
  type: 'counter' | 'gauge' | 'histogram',
  values: () => Value[],
) {
  return {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: values() }),
  } as unknown as Metric<string>;
}

const CLASSES: StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

/** A registry whose metrics read `snapshot()` (revision id → counters) on every scrape. */
export function proxyRegistry(
  snapshot: () => Record<string, RevisionCounters>,
  unrouted: () => number,
): Registry {
  const registry = new Registry();
  let cached: { at: number; counts: Record<string, RevisionCounters> } | undefined;
  // One snapshot per scrape, shared by all metrics, so the numbers in one exposition agree.
  const each = <T>(fn: (revision: string, c: RevisionCounters) => T[]): T[] => {
    const now = performance.now();
    if (cached === undefined || now - cached.at > 50) cached = { at: now, counts: snapshot() };
    return Object.entries(cached.counts).flatMap(([revision, c]) => fn(revision, c));
  };
  const simple = (
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    pick: (c: RevisionCounters) => number,
  ) =>
    registry.registerMetric(
      collector(name, help, type, () => each((revision, c) => [{ value: pick(c), labels: { revision } }])),
    );
  simple(
    'slipway_proxy_requests_total',
    'Requests (attempts) routed to the revision.',
    'counter',
    (c) => c.requests,
  );
  simple(
    'slipway_proxy_errors_total',
    'Attempts on the revision that failed: 5xx, connection failure or upstream timeout.',
    'counter',
    (c) => c.errors,
  );
  simple(
    'slipway_proxy_slow_requests_total',
    'Attempts slower than the latency bound.',
    'counter',
    (c) => c.slow,
  );
  simple(
    'slipway_proxy_retried_total',
    "Failed attempts on the revision that were retried on stable (users didn't see them).",
    'counter',
    (c) => c.retried,
  );
  simple(
    'slipway_proxy_pinned_requests_total',
    'Requests a signed pin sent to the revision (served, never evidence).',
    'counter',
    (c) => c.pinned,
  );
  simple(
    'slipway_proxy_client_errors_total',
    'Requests routed to the revision that the proxy refused as malformed (400, evidence against nobody).',
    'counter',
    (c) => c.clientErrors,
  );
  simple(
    'slipway_proxy_in_flight',
    'Requests and upgraded connections open on the revision.',
    'gauge',
    (c) => c.inFlight,
  );
  registry.registerMetric(
    collector('slipway_proxy_responses_total', 'Responses by status class.', 'counter', () =>
      each((revision, c) => CLASSES.map((code) => ({ value: c.status[code], labels: { revision, code } }))),
    ),
  );
  registry.registerMetric(
    collector(
      'slipway_proxy_unrouted_requests_total',
      'Requests no revision could take (503: nothing routable).',
      'counter',
      () => [{ value: unrouted(), labels: {} }],
    ),
  );
  const histogram = 'slipway_proxy_request_duration_seconds';
  registry.registerMetric(
    collector(histogram, 'Time from request to the end of the response, per attempt.', 'histogram', () =>
      each((revision, c) => [
        ...c.latency.buckets.map((b) => ({
          value: b.count,
          labels: { revision, le: b.le === Number.POSITIVE_INFINITY ? '+Inf' : b.le / 1000 },
          metricName: `${histogram}_bucket`,
        })),
        { value: c.latency.sumMs / 1000, labels: { revision }, metricName: `${histogram}_sum` },
        { value: c.latency.count, labels: { revision }, metricName: `${histogram}_count` },
      ]),
    ),
  );
  return registry;
}
