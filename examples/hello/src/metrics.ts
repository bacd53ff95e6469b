import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  readonly serviceName: string;
  readonly appVersion: string;
  /** Process metrics (CPU, memory, event loop, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

/** Requests that matched no route share one label value, so scanners cannot blow up the series count. */
export const UNMATCHED_ROUTE = '(unmatched)';

/**
 * A registry per app instance (not prom-client's global one), so several instances in one process (tests)
 * do not share counters. `service` and `version` are on every series, so a canary and its stable
 * revision can be told apart in one Prometheus.
 */
export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.serviceName, version: options.appVersion });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its response, in seconds.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'http_requests_in_flight',
    help: 'Requests received and not yet answered or abandoned (includes the scrape itself).',
    registers: [registry],
  });
  return { registry, requests, duration, inFlight };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Counts every request once it is answered, and tracks the in-flight gauge (also for abandoned ones). */
export function instrument(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (_request, reply) => {
    metrics.inFlight.inc();
    // 'close' fires exactly once per response: after it is sent, or when the client goes away.
    reply.raw.once('close', () => metrics.inFlight.dec());
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? UNMATCHED_ROUTE,
      status_code: String(reply.statusCode),
    };
    metrics.requests.inc(labels);
    metrics.duration.observe(labels, reply.elapsedTime / 1000);
  });
}
