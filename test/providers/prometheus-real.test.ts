// The Prometheus provider against a real Prometheus server (Debian package `prometheus`) scraping
// two real examples/hello processes on 127.0.0.1: release 1 healthy, release 2 failing every
// request (FAIL_RATE=1). Skips when the prometheus binary is not installed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { type ResolvedConfig, validateConfigText } from '../../src/config/index.ts';
import { PrometheusProvider } from '../../src/providers/prometheus/index.ts';
import { kubernetesMetrics } from '../../src/targets/kubernetes/metrics.ts';
import { eventually } from '../support/k8s/cluster.ts';

const binary = spawnSync('prometheus', ['--version']).status === 0 ? 'prometheus' : undefined;
const skip = binary ? false : 'the prometheus binary is not installed (apt-get install prometheus)';
const root = new URL('../../', import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

test('counts per revision from a real Prometheus scraping examples/hello', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const children: ChildProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'slipway-prom-'));
  t.after(() => {
    for (const c of children) if (c.pid && c.exitCode === null) process.kill(c.pid, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });
  const hello = async (env: Record<string, string>) => {
    const port = await freePort();
    const child = spawn(join(root, 'node_modules/.bin/node'), [join(root, 'examples/hello/src/server.ts')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
      stdio: 'ignore',
    });
    children.push(child);
    await eventually('hello listening', async () => {
      const r = await request(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      await r?.body.dump();
      return r?.statusCode === 200 ? true : undefined;
    });
    return port;
  };
  const good = await hello({});
  const bad = await hello({ FAIL_RATE: '1' });
  const promPort = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: hello
    static_configs:
      - { targets: ['127.0.0.1:${good}'], labels: { revision: '1', service: hello, slipway_dev_release: '1', namespace: hello-test } }
      - { targets: ['127.0.0.1:${bad}'], labels: { revision: '2', service: hello, slipway_dev_release: '2', namespace: hello-test } }
`,
  );
  children.push(
    spawn(
      binary as string,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: 'ignore' },
    ),
  );
  for (const port of [good, bad]) {
    for (let i = 0; i < 30; i++) await (await request(`http://127.0.0.1:${port}/`)).body.dump();
  }
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
