/**
 * What the daemon runs for a release, projected from the environment's typed model
 * (`LocalModel`, translated once by src/config): secret files made absolute, the daemon's defaults
 * filled in. No parsing here: durations are already milliseconds.
 */
import { resolve } from 'node:path';
import type { LocalModel } from '../../config/index.ts';
import { SlipwayError } from '../../core/fault.ts';
import { type ProxySettings, type RevisionRuntime, RUNTIME_DEFAULTS, type SecretRef } from './runtime.ts';

/** A local environment that cannot run as configured (a port in use, …), with the key to fix. */
export class LocalConfigError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'LocalConfigError';
  }
}

export interface RuntimeContext {
  release: number;
  digest: string;
  /** Folder of slipway.yaml: relative secret files are resolved from it. */
  serviceDir: string;
}

export function runtimeOf(model: LocalModel, ctx: RuntimeContext): RevisionRuntime {
  const secrets: SecretRef[] = model.secrets.map((s) => ({
    name: s.name,
    source: s.source,
    key: s.key,
    ...(s.source === 'file' && s.path ? { file: resolve(ctx.serviceDir, s.path) } : {}),
    ...(s.optional === true ? { optional: true } : {}),
  }));
  const { startup, readiness, liveness } = model.health;
  return {
    ...RUNTIME_DEFAULTS,
    release: ctx.release,
    digest: ctx.digest,
    start: model.artifact.start,
    portEnv: model.portEnv,
    env: { ...model.env },
    secrets,
    replicas: model.replicas,
    startupTimeoutMs: startup.intervalMs * startup.failureThreshold,
    startup,
    readiness,
    liveness,
  };
}

export function proxyOf(model: LocalModel): ProxySettings {
  return {
    port: model.proxy.port,
    host: '127.0.0.1',
    sticky: model.proxy.sticky,
    retry: { methods: [...model.proxy.retry.methods], budgetPercent: model.proxy.retry.budgetPercent },
    latencyBoundMs: model.latencyBoundMs,
    pinning: model.proxy.pinning.enabled,
  };
}
