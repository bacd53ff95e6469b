// A real Prometheus (Debian package `prometheus`) scraping real examples/hello processes on
// 127.0.0.1 every second, for the provider tests. Each process is one revision, labelled as the
// kubernetes target's PodMonitor labels a pod (service, slipway_dev_release, namespace) and with
// `revision` for hand-written queries. Everything started is stopped when the test ends.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { request } from 'undici';
import { freePort } from '../../src/targets/local/supervisor/ports.ts';
import { eventually } from '../support/k8s/cluster.ts';
import { prometheusBinary, startPrometheus } from '../support/prometheus.ts';

/** Pass as `{ skip }`: the reason these tests cannot run here, or false. */
export const skip = prometheusBinary()
  ? false
  : 'the prometheus binary is not installed (apt-get install prometheus)';
const root = new URL('../../', import.meta.url).pathname;
export const NAMESPACE = 'hello-test';

export interface RealPrometheus {
  url: string;
  /** examples/hello's port per revision, in the order given. */
  ports: number[];
  /** `count` requests to `path` of the app on `port`, `parallel` at a time; resolves when all are answered. */
  hit(port: number, count: number, opts?: { path?: string; parallel?: number }): Promise<void>;
}

/** Starts one examples/hello per entry of `revisions` (its environment) and a Prometheus scraping them. */
export async function realPrometheus(
  t: TestContext,
  revisions: Record<string, string>[],
): Promise<RealPrometheus> {
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
  const ports: number[] = [];
  for (const env of revisions) ports.push(await hello(env));
  const targets = ports.map((port, i) => {
    const release = String(i + 1);
    return `      - { targets: ['127.0.0.1:${port}'], labels: { revision: '${release}', service: hello, slipway_dev_release: '${release}', namespace: ${NAMESPACE} } }`;
  });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s }
scrape_configs:
  - job_name: hello
    static_configs:
${targets.join('\n')}
`,
  );
  const prometheus = await startPrometheus(dir);
  children.push(prometheus.child);
  const url = prometheus.url;
  return {
    url,
    ports,
    async hit(port, count, { path = '/', parallel = 1 } = {}) {
      let left = count;
      const worker = async () => {
        while (left > 0) {
          left--;
          await (await request(`http://127.0.0.1:${port}${path}`)).body.dump();
        }
      };
      await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
    },
  };
}
