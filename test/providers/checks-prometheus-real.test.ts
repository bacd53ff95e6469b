// Prometheus checks against a real Prometheus (Debian package `prometheus`) scraping real
// examples/hello processes: revision 1 healthy, revision 2 failing every request. One result per
// check: the value, or no data with why (no series, several series, NaN, a query Prometheus
// rejects). Skips only when the prometheus binary is not installed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../src/config/index.ts';
import { toReleaseSpec } from '../../src/config/model.ts';
import { type ChecksMemo, checksVerdict, foldReading } from '../../src/core/analysis/checks.ts';
import type { PrometheusCheckSpec } from '../../src/core/spec.ts';
import type { Verdict } from '../../src/core/types.ts';
import { checkReader } from '../../src/providers/checks.ts';
import { eventually } from '../support/k8s/cluster.ts';
import { NAMESPACE, realPrometheus, skip } from './real-prometheus.ts';

const EXAMPLE = new URL('../../examples/hello/slipway.yaml', import.meta.url).pathname;
const REVISION = 'namespace="{{namespace}}",service="{{service}}",slipway_dev_release="{{revision}}"';

test('custom Prometheus checks per revision from a real Prometheus', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const prom = await realPrometheus(t, [{}, { FAIL_RATE: '1' }]);
  for (const port of prom.ports) await prom.hit(port, 20);
  const check = (name: string, query: string): PrometheusCheckSpec => ({
    kind: 'prometheus',
    name,
    query,
    max: 0,
    address: 'http://127.0.0.1:9', // replaced by the run's override: the default address
    addressFrom: 'default',
  });
  const checks = [
    check('errors', `sum(http_requests_total{${REVISION},route="/",status_code=~"5.."}) or vector(0)`),
    check('requests', `sum(http_requests_total{${REVISION},route="/"})`),
    check('per-route', `http_requests_total{${REVISION}}`),
    check('nan', 'vector(0) / vector(0)'),
    check('broken', 'sum(rate(http_requests_total['),
  ];
  const reader = checkReader({
    labels: { service: 'hello', environment: 'test', namespace: NAMESPACE },
    prometheusUrl: prom.url,
  });
  const second = await eventually(
    'both revisions scraped',
    async () => {
      const r = await reader.read(checks, 2);
      const [one] = await reader.read(checks.slice(1, 2), 1); // each target is scraped on its own clock
      return r[1]?.value === 20 && one?.value === 20 ? r : undefined;
    },
    60_000,
    500,
  );
  assert.deepEqual(second.slice(0, 2), [
    { name: 'errors', value: 20 },
    { name: 'requests', value: 20 },
  ]);
  assert.match(second[2]?.error ?? '', /^the query returned \d+ series, expected one: aggregate it/);
  assert.deepEqual(second[3], { name: 'nan', error: 'the value is NaN (e.g. a rate of nothing)' });
  assert.match(second[4]?.error ?? '', /^Prometheus rejected sum\(rate\(http_requests_total\[: bad_data: /);

  const first = await reader.read(checks.slice(0, 2), 1);
  assert.deepEqual(first, [
    { name: 'errors', value: 0 },
    { name: 'requests', value: 20 },
  ]);
  const none = await reader.read(checks.slice(1, 2), 3);
  assert.deepEqual(none, [{ name: 'requests', error: 'no series matched' }], 'revision 3 has no data');
});

test('the example’s p99 query on a fresh revision: scrape lag is waited out, then a value in bounds', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const example = validateConfigText(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
  assert.ok(example.ok);
  const production = example.config.environments.production as ResolvedConfig;
  const spec = toReleaseSpec(production, {
    environment: 'production',
    release: 1,
    digest: `sha256:${'a'.repeat(64)}`,
  });
  const checks = spec.analysis.checks ?? [];
  assert.equal(spec.analysis.noData, 'fail');
  const prom = await realPrometheus(t, [{}]);
  const reader = checkReader({
    labels: { service: 'hello', environment: 'production', namespace: NAMESPACE },
    prometheusUrl: prom.url, // SLIPWAY_PROMETHEUS_URL, as a CI port-forward gives it
  });
  // Traffic starts now, as when the candidate first gets its weight; the engine reads every second.
  const traffic = prom.hit(prom.ports[0] as number, 400, { parallel: 2 });
  let memo: ChecksMemo | undefined;
  let verdict = { kind: 'inconclusive' } as Verdict;
  for (let i = 0; i < 40 && verdict.kind !== 'pass'; i++) {
    const at = Date.now();
    memo = foldReading(checks, 'fail', memo, { at, results: await reader.read(checks, 1) });
    verdict = checksVerdict(checks, 'fail', memo, 0);
    assert.notEqual(verdict.kind, 'fail', `read ${i + 1}: ${verdict.reasons.join('; ')}`);
    await new Promise((r) => setTimeout(r, Math.max(0, at + 1000 - Date.now())));
  }
  await traffic;
  assert.equal(verdict.kind, 'pass', verdict.reasons.join('; '));
  assert.match(verdict.reasons[0] as string, /^query p99-latency-seconds = [\d.e-]+ within max 0\.3$/);
});
