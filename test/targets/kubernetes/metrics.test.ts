/**
 * `analysis.prometheus`: strict config, the default PromQL, and what deploy says without it. The
 * provider's counts against a real Prometheus are in test/providers/prometheus-real.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../../src/config/index.ts';
import { PrometheusProvider, template } from '../../../src/providers/prometheus/index.ts';
import {
  boundaryWarning,
  DEFAULT_QUERIES,
  KNOWN_BUCKETS,
  kubernetesMetrics,
  leMatcher,
  slowQuery,
} from '../../../src/targets/kubernetes/metrics.ts';

const base = (analysis: string) => `service: hello
artifact: { image: ghcr.io/acme/hello }
port: 8080
analysis: ${analysis}
environments: { staging: { target: kubernetes } }
`;
/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

const labels = { service: 'hello', environment: 'staging', namespace: 'hello-staging' };

function resolve(analysis: string): ResolvedConfig {
  const r = validateConfigText(base(analysis), 'slipway.yaml');
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.config.environments.staging as ResolvedConfig;
}

function problems(analysis: string): string {
  const r = validateConfigText(base(analysis), 'slipway.yaml');
  assert.equal(r.ok, false);
  return JSON.stringify(!r.ok && r.problems);
}

describe('analysis.prometheus', () => {
  test('is strict: unknown keys, a missing url, a non-http url and empty queries are problems', () => {
    assert.match(problems('{ prometheus: { url: "http://p:9090", errorQuery: "x" } }'), /errorQuery/);
    assert.match(problems('{ prometheus: { requests: "sum(x)" } }'), /analysis\.prometheus\.url/);
    assert.match(problems('{ prometheus: { url: "ftp://p:9090" } }'), /analysis\.prometheus\.url/);
    assert.match(problems('{ prometheus: { url: "http://p:9090", errors: "  " } }'), /prometheus\.errors/);
  });

  test('the default queries select one revision of this service in this namespace', () => {
    const vars = { revision: '7', service: 'hello', environment: 'staging', namespace: 'hello-staging' };
    assert.equal(
      template(DEFAULT_QUERIES.requests, vars),
      'sum(http_requests_total{namespace="hello-staging",service="hello",slipway_dev_release="7"})',
    );
    assert.equal(
      template(DEFAULT_QUERIES.errors, vars),
      'sum(http_requests_total{namespace="hello-staging",service="hello",slipway_dev_release="7",status_code=~"5.."})',
    );
  });

  test('with a url: a Prometheus provider; deploy says when it does not answer from here', async () => {
    const port = await closedPort();
    const m = kubernetesMetrics(
      resolve(`{ prometheus: { url: "http://127.0.0.1:${port}" }, noData: fail }`),
      labels,
    );
    assert.ok(m.provider instanceof PrometheusProvider);
    assert.equal(
      await m.source(),
      `Prometheus at http://127.0.0.1:${port} does not answer from this machine: analysis cannot judge while it does not: every analysis step ends inconclusive at its maxDuration and the release is rolled back, whatever analysis.noData says; make the URL reachable from here, e.g. through kubectl port-forward`,
    );
  });

  test('SLIPWAY_PROMETHEUS_URL replaces the url (a port-forward in CI); a bad one is refused', async () => {
    const port = await closedPort();
    const env = { SLIPWAY_PROMETHEUS_URL: `http://127.0.0.1:${port}` };
    for (const analysis of ['{}', '{ prometheus: { url: "http://kps-prometheus.monitoring:9090" } }']) {
      const m = kubernetesMetrics(resolve(analysis), labels, env);
      assert.ok(m.provider instanceof PrometheusProvider, analysis);
      assert.match(await m.source(), new RegExp(`^Prometheus at http://127.0.0.1:${port} does not answer`));
    }
    for (const bad of ['127.0.0.1:9090', 'ftp://p:9090']) {
      assert.throws(
        () => kubernetesMetrics(resolve('{}'), labels, { SLIPWAY_PROMETHEUS_URL: bad }),
        new RegExp(`SLIPWAY_PROMETHEUS_URL must be an http\\(s\\) URL .*got "${bad}"`),
      );
    }
  });

  test('without it: no data, and deploy says what the noData policy will do', async () => {
    const none = kubernetesMetrics(resolve('{ noData: fail }'), labels);
    assert.deepEqual(await none.provider.counts([1, 2]), {});
    assert.equal(await none.provider.isOnline(), false);
    // Marked as no source (the engine tells the core), unlike an offline Prometheus above.
    assert.equal(none.provider.source, 'none');
    assert.match(
      await none.source(),
      /^analysis has no metric source \(set analysis\.prometheus\.url\): with analysis\.noData: fail, every analysis step fails/,
    );
    assert.match(
      await kubernetesMetrics(resolve('{}'), labels).source(),
      /noData: inconclusive, .*rolled back/,
    );
    assert.match(
      await kubernetesMetrics(resolve('{ noData: pass }'), labels).source(),
      /passes at its maxDuration without evidence/,
    );
  });
});

describe('analysis.latency on Kubernetes: the default slow query', () => {
  const vars = { revision: '7', service: 'hello', environment: 'staging', namespace: 'hello-staging' };
  const R = 'namespace="hello-staging",service="hello",slipway_dev_release="7"';

  test("is every request minus the histogram's bucket at maxMs, for one revision", () => {
    assert.equal(
      template(slowQuery(250), vars),
      `sum(http_request_duration_seconds_count{${R}}) - sum(http_request_duration_seconds_bucket{${R},le="0.25"})`,
    );
    assert.equal(
      template(slowQuery(5), vars),
      `sum(http_request_duration_seconds_count{${R}}) - sum(http_request_duration_seconds_bucket{${R},le="0.005"})`,
    );
  });

  test('matches a whole-second boundary as exposed (le="1") and as Prometheus 3 stores it (le="1.0")', () => {
    assert.equal(leMatcher(1), 'le=~"1|1[.]0"');
    assert.equal(leMatcher(10), 'le=~"10|10[.]0"');
    assert.equal(leMatcher(2.5), 'le="2.5"');
    const le = /le=~"(.*)"/.exec(leMatcher(1))?.[1] ?? '';
    const anchored = new RegExp(`^(?:${le})$`); // PromQL regex matchers are fully anchored
    assert.deepEqual(
      ['1', '1.0', '10', '0.1', '1x0'].map((v) => anchored.test(v)),
      [true, true, false, false, false],
    );
  });

  test('a maxMs that is a known boundary says nothing; any other names the nearest ones and both fixes', () => {
    for (const b of KNOWN_BUCKETS) assert.equal(boundaryWarning(Math.round(b * 1000)), undefined, String(b));
    assert.equal(
      boundaryWarning(300),
      "analysis.latency.maxMs 300 is not a bucket boundary of the usual http_request_duration_seconds histogram (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000 ms): unless the app's histogram has a 0.3 s bucket, the default slow query matches no series, slow requests count as 0 and latency is not enforced; set analysis.latency.maxMs to a boundary (250 or 500) or analysis.prometheus.slow to a query for your histogram",
    );
    assert.match(boundaryWarning(1) ?? '', /to a boundary \(5\) or/);
    assert.match(boundaryWarning(20_000) ?? '', /to a boundary \(10000\) or/);
  });

  test('source() says it at deploy start; a configured slow query or no latency bound turns it off', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const at300 = await kubernetesMetrics(
      resolve(`{ latency: { maxMs: 300 }, prometheus: { url: "${url}" } }`),
      labels,
    ).source();
    const [where, warning] = at300.split('\n');
    assert.match(where ?? '', /^Prometheus at .* does not answer from this machine/);
    assert.equal(warning, boundaryWarning(300));
    for (const analysis of [
      `{ latency: { maxMs: 250 }, prometheus: { url: "${url}" } }`,
      `{ latency: { maxMs: 300 }, prometheus: { url: "${url}", slow: "sum(my_slow_total)" } }`,
      `{ prometheus: { url: "${url}" } }`,
    ]) {
      assert.doesNotMatch(await kubernetesMetrics(resolve(analysis), labels).source(), /\n/, analysis);
    }
  });
});
