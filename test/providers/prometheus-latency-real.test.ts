// analysis.latency on the kubernetes target, against a real Prometheus scraping real examples/hello
// processes: release 1 answers at once, release 2 takes LATENCY_MS=400 on its application routes.
// The default slow query reads the app's http_request_duration_seconds histogram at maxMs; a maxMs
// the histogram has no bucket for is said at deploy start and reported once at the first read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../src/config/index.ts';
import { kubernetesMetrics } from '../../src/targets/kubernetes/metrics.ts';
import { eventually } from '../support/k8s/cluster.ts';
import { NAMESPACE, realPrometheus, skip } from './real-prometheus.ts';

const labels = { service: 'hello', environment: 'test', namespace: NAMESPACE };
const SLOW_REQUESTS = 20;

function config(url: string, maxMs: number): ResolvedConfig {
  const r = validateConfigText(
    `service: hello
artifact: { image: ghcr.io/acme/hello }
port: 8080
analysis: { latency: { maxMs: ${maxMs} }, prometheus: { url: "${url}" } }
environments: { test: { target: kubernetes } }
`,
    'inline.yaml',
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.config.environments.test as ResolvedConfig;
}

test('latency.maxMs without a slow query: slow requests from the real histogram, a missing bucket reported once', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const prom = await realPrometheus(t, [{}, { LATENCY_MS: '400' }]);
  const [fast, slow] = prom.ports as [number, number];
  await prom.hit(fast, SLOW_REQUESTS);
  await prom.hit(slow, SLOW_REQUESTS, { parallel: SLOW_REQUESTS });

  // 250 ms is a bucket boundary: release 2's application requests are all slower, release 1's are not.
  const reports: string[] = [];
  const at250 = kubernetesMetrics(config(prom.url, 250), labels, {}, (m) => reports.push(m));
  assert.equal(
    await at250.source(),
    `analysis reads request counters and http_request_duration_seconds (slow: over 250 ms) from Prometheus at ${prom.url}`,
  );
  const counts = await eventually(
    'both revisions scraped after the requests',
    async () => {
      const c = await at250.provider.counts([1, 2]);
      return (c['1']?.requests ?? 0) >= SLOW_REQUESTS && (c['2']?.slow ?? 0) >= SLOW_REQUESTS ? c : undefined;
    },
    60_000,
    500,
  );
  assert.equal(
    counts['2']?.slow,
    SLOW_REQUESTS,
    'exactly the delayed requests are slow (health checks and scrapes are not)',
  );
  assert.equal(counts['1']?.slow, 0);
  assert.equal(reports.join('\n'), '', 'the 0.25 bucket exists: nothing to report');

  // 1000 ms is a whole-number boundary (le="1", or "1.0" on Prometheus 3): found, and nothing is slower.
  const at1000 = kubernetesMetrics(config(prom.url, 1000), labels, {}, (m) => reports.push(m));
  assert.equal((await at1000.provider.counts([2]))['2']?.slow, 0);
  assert.equal(reports.join('\n'), '');

  // 300 ms is no boundary of the app's histogram: said at start, reported at the first read, once.
  const at300 = kubernetesMetrics(config(prom.url, 300), labels, {}, (m) => reports.push(m));
  const source = await at300.source();
  assert.match(source, /analysis\.latency\.maxMs 300 is not a bucket boundary/);
  assert.match(
    source,
    /set analysis\.latency\.maxMs to a boundary \(250 or 500\) or analysis\.prometheus\.slow/,
  );
  const first = await at300.provider.counts([1, 2]);
  assert.equal(first['2']?.slow, 0, 'a missing bucket matches no series: slow cannot be counted');
  await at300.provider.counts([1, 2]);
  assert.deepEqual(reports, [
    `revision 1 of hello in ${NAMESPACE} has no http_request_duration_seconds_bucket series with le="0.3": slow requests count as 0 and analysis.latency (maxMs 300) is not enforced; set analysis.latency.maxMs to one of its boundaries (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms) or analysis.prometheus.slow to a query for the app's own latency metric`,
  ]);
});
