/**
 * The one place where a resolved `slipway.yaml` environment becomes what the daemon runs:
 * durations parsed to milliseconds, secret references made absolute, the proxy's settings.
 */
import { resolve } from 'node:path';
import { parseDuration } from '../../config/duration.ts';
import {
  type ProbeSettings,
  type ProxySettings,
  type RevisionRuntime,
  RUNTIME_DEFAULTS,
  type SecretRef,
} from './runtime.ts';

/** A configuration the local target cannot run, with the key to fix. */
export class LocalConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalConfigError';
  }
}

interface ProbeConfig {
  path: string;
  period: string;
  timeout: string;
  failureThreshold: number;
}

/**
 * The part of a resolved environment (`ResolvedConfig` from src/config) the local target reads.
 * Stated structurally so this module depends on the shape, not on the config module's internals.
 */
export interface LocalConfigView {
  artifact: { local?: { build?: string; path: string; start: string } };
  portEnv: string;
  health: { startup: ProbeConfig; readiness: ProbeConfig; liveness: ProbeConfig };
  replicas: number;
  env?: Record<string, string | number | boolean>;
  secrets?: Record<string, { source: string; key: string; path?: string; optional?: boolean }>;
  proxy: {
    port?: number;
    sticky: boolean;
    retry: { methods: string[]; budgetPercent: number };
    drainTimeout: string;
  };
  analysis: { latency?: { maxMs?: number } };
}

function ms(text: string, key: string): number {
  const v = parseDuration(text);
  if (v === undefined)
    throw new LocalConfigError(`${key} is ${JSON.stringify(text)}: not a duration such as 30s`);
  return v;
}

function probeSettings(p: ProbeConfig, key: string): ProbeSettings {
  return {
    path: p.path,
    intervalMs: ms(p.period, `${key}.period`),
    timeoutMs: ms(p.timeout, `${key}.timeout`),
    failureThreshold: p.failureThreshold,
  };
}

export interface RuntimeContext {
  release: number;
  digest: string;
  environment: string;
  /** Folder of slipway.yaml: relative secret files are resolved from it. */
  serviceDir: string;
}

export function runtimeFromConfig(config: LocalConfigView, ctx: RuntimeContext): RevisionRuntime {
  const local = config.artifact.local;
  if (!local) {
    throw new LocalConfigError(
      `environment ${ctx.environment} runs on the local target but has no artifact.local: add artifact.local { path, start } to slipway.yaml`,
    );
  }
  const secrets: SecretRef[] = Object.entries(config.secrets ?? {}).map(([name, ref]) => {
    const source = ref.source;
    if (source !== 'file' && source !== 'env') {
      throw new LocalConfigError(
        `secrets.${name} has source ${ref.source}, which the local target cannot read: use source: file or source: env for local environments`,
      );
    }
    return {
      name,
      source,
      key: ref.key,
      ...(ref.source === 'file' && ref.path ? { file: resolve(ctx.serviceDir, ref.path) } : {}),
      ...(ref.optional === true ? { optional: true } : {}),
    };
  });
  const startup = probeSettings(config.health.startup, 'health.startup');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(config.env ?? {})) env[k] = String(v);
  return {
    ...RUNTIME_DEFAULTS,
    release: ctx.release,
    digest: ctx.digest,
    start: local.start,
    portEnv: config.portEnv,
    env,
    secrets,
    replicas: config.replicas,
    startupTimeoutMs: startup.intervalMs * startup.failureThreshold,
    startup,
    readiness: probeSettings(config.health.readiness, 'health.readiness'),
    liveness: probeSettings(config.health.liveness, 'health.liveness'),
  };
}

export function proxyFromConfig(config: LocalConfigView, environment: string): ProxySettings {
  if (config.proxy.port === undefined) {
    throw new LocalConfigError(
      `environments.${environment}.proxy.port is not set: the local target serves each environment on a stable port, e.g. proxy: { port: 8080 }`,
    );
  }
  return {
    port: config.proxy.port,
    host: '127.0.0.1',
    sticky: config.proxy.sticky,
    retry: { methods: [...config.proxy.retry.methods], budgetPercent: config.proxy.retry.budgetPercent },
    latencyBoundMs: config.analysis.latency?.maxMs ?? 0,
  };
}

/** How long a retired revision may drain, from `proxy.drainTimeout`. */
export function drainMsFromConfig(config: LocalConfigView): number {
  return ms(config.proxy.drainTimeout, 'proxy.drainTimeout');
}
