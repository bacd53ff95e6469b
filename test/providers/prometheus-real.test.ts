// The Prometheus provider against a real Prometheus server (Debian package `prometheus`) scraping
// two real examples/hello processes on 127.0.0.1: release 1 healthy, release 2 failing every
// request (FAIL_RATE=1). Skips when the prometheus binary is not installed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../src/config/index.ts';
import { PrometheusProvider } from '../../src/providers/prometheus/index.ts';
import { kubernetesMetrics } from '../../src/targets/kubernetes/metrics.ts';
import { eventually } from '../support/k8s/cluster.ts';
import { realPrometheus, skip } from './real-prometheus.ts';

test('counts per revision from a real Prometheus scraping examples/hello', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const prom = await realPrometheus(t, [{}, { FAIL_RATE: '1' }]);
  const [good, bad] = prom.ports as [number, number];
  for (const port of [good, bad]) await prom.hit(port, 30);
  const promPort = new URL(prom.url).port;
  const provider = new PrometheusProvider({
    url: `http://127.0.0.1:${promPort}`,
    labels: { service: 'hello', environment: 'test' },
    queries: {
      requests: 'sum(http_requests_total{service="{{service}}",revision="{{revision}}",route="/"})',
      errors:
        'sum(http_requests_total{service="{{service}}",revision="{{revision}}",route="/",status_code=~"5.."})',
    },
  });
  await eventually('prometheus online', async () => ((await provider.isOnline()) ? true : undefined), 60_000);
  const counts = await eventually(
    'both revisions scraped',
    async () => {
      const c = await provider.counts([1, 2, 3]);
      return c['1']?.requests === 30 && c['2']?.requests === 30 ? c : undefined;
    },
    60_000,
    500,
  );
  assert.deepEqual(counts, {
    '1': { requests: 30, errors: 0, slow: 0 },
    '2': { requests: 30, errors: 30, slow: 0 },
  });

  // The kubernetes target's provider from `analysis.prometheus` with the default queries: every
  // route of the revision's pods (health checks and scrapes included), errors = 5xx.
  const resolved = validateConfigText(
    `service: hello
artifact: { image: ghcr.io/acme/hello }
port: 8080
analysis: { prometheus: { url: "http://127.0.0.1:${promPort}" } }
environments: { test: { target: kubernetes } }
`,
    'inline.yaml',
  );
  assert.ok(resolved.ok, JSON.stringify(!resolved.ok && resolved.problems));
  const k8s = kubernetesMetrics(resolved.config.environments.test as ResolvedConfig, {
    service: 'hello',
    environment: 'test',
    namespace: 'hello-test',
  });
  assert.equal(
    await k8s.source(),
    `analysis reads request counters from Prometheus at http://127.0.0.1:${promPort}`,
  );
  const byDefault = await k8s.provider.counts([1, 2, 3]);
  assert.deepEqual(Object.keys(byDefault), ['1', '2'], 'release 3 has no series: no data, not zero');
  assert.ok((byDefault['1']?.requests ?? 0) >= 30 && (byDefault['2']?.requests ?? 0) >= 30);
  assert.equal(byDefault['1']?.errors, 0);
  assert.equal(byDefault['2']?.errors, 30);
  const elsewhere = kubernetesMetrics(resolved.config.environments.test as ResolvedConfig, {
    service: 'hello',
    environment: 'test',
    namespace: 'another-namespace',
  });
  assert.deepEqual(await elsewhere.provider.counts([1, 2]), {}, 'queries are scoped to the namespace');
});
