/**
 * A resolved environment for the fixture app, written out as `resolveEnvironment` produces it
 * (defaults applied, durations as strings), with fast health checks.
 */
import type { LocalConfigView } from '../../../src/targets/local/from-config.ts';

export type ConfigOverrides = Omit<Partial<LocalConfigView>, 'proxy'> & {
  proxy?: Partial<LocalConfigView['proxy']>;
};

export function fixtureConfig(port: number, over: ConfigOverrides = {}): LocalConfigView {
  return {
    artifact: { local: { path: 'app', start: 'node server.mjs' } },
    portEnv: 'PORT',
    health: {
      startup: { path: '/healthz', period: '100ms', timeout: '100ms', failureThreshold: 50 },
      readiness: { path: '/readyz', period: '200ms', timeout: '100ms', failureThreshold: 2 },
      liveness: { path: '/healthz', period: '1s', timeout: '500ms', failureThreshold: 3 },
    },
    replicas: 1,
    env: {},
    secrets: {},
    analysis: {},
    ...over,
    proxy: {
      sticky: false,
      retry: { methods: ['GET', 'HEAD', 'OPTIONS'], budgetPercent: 10 },
      drainTimeout: '1s',
      ...over.proxy,
      port: over.proxy?.port ?? port,
    },
  };
}
