/**
 * A resolved environment for the fixture app, as `resolveEnvironment` produces it (the real schema
 * fills in the defaults), with fast health checks.
 */
import type { ResolvedConfig } from '../../../src/config/index.ts';
import { resolvedSchema } from '../../../src/config/schema/index.ts';

export interface ConfigOverrides {
  env?: Record<string, string | number | boolean>;
  secrets?: Record<string, { source: 'file' | 'env'; key: string; path?: string; optional?: boolean }>;
  replicas?: number;
  health?: Record<string, unknown>;
  analysis?: Record<string, unknown>;
  proxy?: { port?: number; sticky?: boolean; drainTimeout?: string; retry?: Record<string, unknown> };
}

export function fixtureConfig(port: number, over: ConfigOverrides = {}): ResolvedConfig {
  return resolvedSchema.parse({
    service: 'fixture',
    target: 'local',
    artifact: { local: { path: 'app', start: 'node server.mjs' } },
    health: {
      startup: { path: '/healthz', period: '100ms', timeout: '100ms', failureThreshold: 50 },
      readiness: { path: '/readyz', period: '200ms', timeout: '100ms', failureThreshold: 2 },
      liveness: { path: '/healthz', period: '1s', timeout: '500ms', failureThreshold: 3 },
      ...over.health,
    },
    replicas: over.replicas ?? 1,
    env: over.env ?? {},
    secrets: over.secrets ?? {},
    analysis: over.analysis ?? {},
    proxy: { drainTimeout: '1s', ...over.proxy, port: over.proxy?.port ?? port },
  });
}
