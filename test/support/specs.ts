/** Release specs for engine tests: small, valid, and easy to vary per case. */
import type { AnalysisSpec, ReleaseSpec, Strategy } from '../../src/core/spec.ts';

export const ANALYSIS: AnalysisSpec = {
  maxErrorRate: 0.01,
  failureBudget: 20,
  minSample: 200,
  alpha: 0.01,
  noData: 'inconclusive',
  intervalMs: 1000,
};

export const STRATEGIES = {
  rolling: { kind: 'rolling', maxSurge: 1, maxUnavailable: 0 },
  'blue-green': {
    kind: 'blue-green',
    prePromotionAnalysis: true,
    autoPromote: true,
    scaleDownDelayMs: 30_000,
  },
  canary: {
    kind: 'canary',
    continuousAnalysis: true,
    steps: [
      { kind: 'weight', weight: 10 },
      { kind: 'analysis', maxDurationMs: 120_000 },
      { kind: 'weight', weight: 50 },
      { kind: 'pause', durationMs: 30_000 },
    ],
  },
} satisfies Record<string, Strategy>;

export type StrategyName = keyof typeof STRATEGIES;

/** A spec without its release number, as `deploy` takes it. */
export function deployInput(strategy: Strategy, overrides: Partial<ReleaseSpec> = {}) {
  const spec: Omit<ReleaseSpec, 'release'> = {
    service: 'hello',
    environment: 'test',
    artifact: { digest: `sha256:${'ab'.repeat(32)}` },
    configHash: `sha256:${'cd'.repeat(32)}`,
    replicas: 4,
    strategy,
    analysis: ANALYSIS,
    progressDeadlineMs: 600_000,
    drainMs: 5_000,
    ...overrides,
  };
  return { spec, config: { replicas: spec.replicas } };
}

/** A full spec, for calling `step` directly. */
export function releaseSpec(
  strategy: Strategy,
  release = 2,
  overrides: Partial<ReleaseSpec> = {},
): ReleaseSpec {
  return { ...deployInput(strategy, overrides).spec, release };
}
