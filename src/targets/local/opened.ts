/**
 * The local target behind the factory's `OpenedTarget`: the daemon-backed `LocalTarget`, the
 * artifact build, pre-flight checks (secrets, proxy port) and read-only views from the daemon.
 */

import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ResolvedConfig } from '../../config/index.ts';
import { releaseModel } from '../../config/index.ts';
import { checkReader } from '../../providers/checks.ts';
import type { EnvironmentView, LogLines, LogQuery, OpenedTarget, TargetContext } from '../opened.ts';
import { parseProxyMetrics } from '../samples.ts';
import { checkPins } from './check-pins.ts';
import {
  buildArtifact,
  DaemonClient,
  type EnvironmentStatus,
  LocalConfigError,
  openLocalTarget,
  proxyOf,
  runtimeOf,
  StatePaths,
  stopDaemon,
  tailFile,
} from './index.ts';
import { resolveSecrets } from './supervisor/secrets.ts';

export async function openLocal(resolved: ResolvedConfig, ctx: TargetContext): Promise<OpenedTarget> {
  const paths = new StatePaths(ctx.stateDir ?? join(ctx.serviceDir, '.slipway'));
  const env = ctx.environment;
  const model = releaseModel(resolved, env).local;
  if (!model)
    throw new TypeError(`environment ${env} is not a local environment (target: ${resolved.target})`);
  const proxy = proxyOf(model);
  const local = model.artifact;
  const target = await openLocalTarget({
    stateDir: paths.root,
    environment: env,
    config: resolved,
    serviceDir: ctx.serviceDir,
    ...(ctx.processEnv ? { processEnv: ctx.processEnv } : {}),
  });

  const status = async (): Promise<EnvironmentStatus | undefined> => {
    const client = await DaemonClient.read(paths.root);
    if (!client) return undefined;
    const all = await client.request<{ environments: EnvironmentStatus[] }>('GET', '/v1/status');
    return all.environments.find((e) => e.name === env);
  };

  const preflight = async () => {
    const runtime = runtimeOf(model, { release: 1, digest: '', serviceDir: ctx.serviceDir });
    await resolveSecrets(runtime.secrets, {
      environment: env,
      defaultFile: paths.secrets(env),
      ...(ctx.processEnv ? { processEnv: ctx.processEnv } : {}),
    });
    const current = await status();
    if (current?.proxyPort !== proxy.port) await checkPortFree(proxy.port, env);
  };

  return {
    kind: 'local',
    capabilities: {
      async pin(release, ttlMs = model.proxy.pinning.ttlMs) {
        const client = await DaemonClient.read(paths.root);
        if (!client || !(await client.healthy())) {
          throw new LocalConfigError(
            `no daemon serves ${env}: deploy the environment first (slipway deploy --env ${env}), then ask for a pin`,
          );
        }
        const issued = await client.call('pin', { params: { env }, body: { release, ttlMs } });
        const { pin, expiresAt, header, cookie } = issued;
        return { release, pin, expiresAt, header, cookie };
      },
    },
    target,
    metrics: target.metrics(),
    checks: checkReader({
      labels: { service: resolved.service, environment: env },
      prometheusUrl: (ctx.processEnv ?? process.env).SLIPWAY_PROMETHEUS_URL || undefined,
      pinFor: checkPins({ root: paths.root, environment: env }),
    }),
    preflight,
    async prepareArtifact(opts = {}) {
      await preflight();
      const packed = await buildArtifact({
        serviceDir: ctx.serviceDir,
        artifact: local,
        paths,
        ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
      });
      return { digest: packed.digest, ref: paths.artifact(packed.digest) };
    },
    async view(): Promise<EnvironmentView> {
      const s = await status();
      return {
        endpoint: `http://127.0.0.1:${s?.proxyPort ?? proxy.port}`,
        weights: s?.weights ?? {},
        revisions: (s?.revisions ?? []).map((r) => ({ ...r, instances: r.instances ?? [] })),
      };
    },
    async sample() {
      const client = await DaemonClient.read(paths.root);
      if (!client) return undefined;
      const token = (await readFile(paths.daemonToken, 'utf8')).trim();
      const res = await fetch(`${client.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(2000),
      });
      if (!res.ok) return undefined;
      // Known limit: the daemon's /metrics joins every environment's proxy without an environment
      // label, so with two local environments running in one state folder their revision numbers mix.
      return parseProxyMetrics(await res.text());
    },
    logs: (query) => readLogs(paths, env, query),
    async shutdown() {
      await stopDaemon(paths.root);
    },
  };
}

async function readLogs(paths: StatePaths, env: string, query: LogQuery): Promise<LogLines[]> {
  let files: string[];
  try {
    files = await readdir(paths.logsDir(env));
  } catch {
    return [];
  }
  const found = files
    .map((f) => /^(\d+)-(\d+)\.log$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ release: Number(m[1]), instance: Number(m[2]) }))
    .sort((a, b) => a.release - b.release || a.instance - b.instance);
  const latest = found.at(-1)?.release;
  const release = query.release ?? latest;
  const out: LogLines[] = [];
  for (const f of found) {
    if (f.release !== release) continue;
    if (query.instance !== undefined && f.instance !== query.instance) continue;
    const file = paths.instanceLog(env, f.release, f.instance);
    out.push({ ...f, file, lines: await tailFile(file, query.tail) });
  }
  return out;
}

function checkPortFree(port: number, env: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new LocalConfigError(
          err.code === 'EADDRINUSE'
            ? `port ${port} (environments.${env}.proxy.port) is already in use by another program: stop it or choose another proxy.port`
            : `cannot listen on 127.0.0.1:${port} for environment ${env}: ${err.message}`,
        ),
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}
