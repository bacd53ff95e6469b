/**
 * `analysis.prometheus`: strict config, the default PromQL, and what deploy says without it. The
 * provider's counts against a real Prometheus are in test/providers/prometheus-real.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../../src/config/index.ts';
import { PrometheusProvider, template } from '../../../src/providers/prometheus/index.ts';
import { DEFAULT_QUERIES, kubernetesMetrics } from '../../../src/targets/kubernetes/metrics.ts';

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
      `Prometheus at http://127.0.0.1:${port} does not answer from this machine: analysis sees no data while it does not (with noData: fail, every analysis step fails at its maxDuration and the release is rolled back); make the URL reachable from here, e.g. through kubectl port-forward`,
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
    assert.match(
      await none.source(),
      /^analysis has no metric source \(set analysis\.prometheus\.url\): with noData: fail, every analysis step fails/,
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
