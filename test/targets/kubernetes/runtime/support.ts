/**
 * Shared pieces of the kubernetes runtime integration tests: configs built from YAML (the same path
 * users take), a target per test namespace, engine dependencies on the real clock, and a clearly
 * named metric double — pods do not serve traffic under kwok, so analysis evidence is scripted.
 */
import { createHash } from 'node:crypto';
import { type ResolvedConfig, toReleaseSpec, validateConfigText } from '../../../../src/config/index.ts';
import type { RevisionCounts } from '../../../../src/core/types.ts';
import { deploy, type EngineDeps, systemClock } from '../../../../src/engine/index.ts';
import type { MetricProvider } from '../../../../src/providers/provider.ts';
import { KubeClient } from '../../../../src/targets/kubernetes/client.ts';
import { KubernetesTarget } from '../../../../src/targets/kubernetes/target.ts';
import type { Cluster } from '../../../support/k8s/cluster.ts';

export const digest = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

export interface ConfigOptions {
  namespace: string;
  strategy: string;
  /** Extra top-level YAML (resources, ingress…), indented for the environment block. */
  extra?: string;
  kubernetes?: string;
}

/** The slipway.yaml text of a `production` environment of service `hello` in `namespace`. */
export function configText(o: ConfigOptions): string {
  return `service: hello
artifact: { image: ghcr.io/slipway-dev/hello }
port: 8080
replicas: 2
resources:
  requests: { cpu: 10m, memory: 32Mi }
  limits: { cpu: 100m, memory: 64Mi }
analysis: { maxErrorRate: 0.05, failureBudget: 20, minSample: 50, alpha: 0.05, noData: inconclusive }
progressDeadline: 60s
kubernetes:
  namespace: ${o.namespace}
  waivers:
    - rule: topology-spread-zones
      reason: the kwok test nodes sit in one zone each; spreading is not the point here
${
  // A short drain (drainMs) unless the test sets its own: every retire waits it out.
  o.kubernetes?.includes('terminationGracePeriod') ? '' : '  terminationGracePeriod: 1s'
}
${o.kubernetes ?? ''}
environments:
  production:
    target: kubernetes
    strategy:
${o.strategy
  .split('\n')
  .map((l) => `      ${l}`)
  .join('\n')}
${o.extra ?? ''}
`;
}

/** A resolved `production` environment of service `hello` in `namespace`. */
export function makeConfig(o: ConfigOptions): ResolvedConfig {
  const result = validateConfigText(configText(o), 'slipway.yaml', { environment: 'production' });
  if (!result.ok) throw new Error(`test config is invalid: ${JSON.stringify(result.problems, null, 2)}`);
  return result.config.environments.production as ResolvedConfig;
}

export const CANARY = `canary:
  steps:
    - setWeight: 20
    - analysis: { maxDuration: 30s }
    - setWeight: 50
    - analysis: { maxDuration: 30s }`;

export const GATEWAY =
  '  gateway: { parentRef: { name: slipway, namespace: slipway-system }, hostnames: [hello.test] }';

export const BLUE_GREEN = `blue-green:
  prePromotionAnalysis: false
  autoPromote: true
  scaleDownDelay: 0s`;

export function openTarget(cluster: Cluster, config: ResolvedConfig): KubernetesTarget {
  return new KubernetesTarget({
    client: new KubeClient(cluster.kubeConfig),
    environment: 'production',
    config,
  });
}

/**
 * TEST DOUBLE for metrics: every read adds `perRead` requests to each asked-for revision, with
 * `errorRate` of them errors for the revisions listed in `failing`. Deterministic.
 */
export class ScriptedMetricsDouble implements MetricProvider {
  readonly #totals = new Map<string, RevisionCounts>();
  readonly perRead: number;
  readonly failing: ReadonlySet<number>;
  readonly errorRate: number;
  constructor(perRead = 100, failing: ReadonlySet<number> = new Set(), errorRate = 0.5) {
    this.perRead = perRead;
    this.failing = failing;
    this.errorRate = errorRate;
  }
  async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    const out: Record<string, RevisionCounts> = {};
    for (const r of releases) {
      const t = this.#totals.get(String(r)) ?? { requests: 0, errors: 0, slow: 0 };
      const errors = this.failing.has(r) ? Math.round(this.perRead * this.errorRate) : 0;
      const next = { requests: t.requests + this.perRead, errors: t.errors + errors, slow: 0 };
      this.#totals.set(String(r), next);
      out[String(r)] = next;
    }
    return out;
  }
  async isOnline() {
    return true;
  }
}

export function engineDeps(target: KubernetesTarget, extra: Partial<EngineDeps> = {}): EngineDeps {
  return {
    target,
    metrics: new ScriptedMetricsDouble(),
    clock: systemClock,
    holder: `test@${process.pid}`,
    lockTtlMs: 15_000,
    pollMs: 2000,
    ...extra,
  };
}

export function deployInput(config: ResolvedConfig, seed: string) {
  const { release: _, ...spec } = toReleaseSpec(config, {
    environment: 'production',
    release: 1,
    digest: digest(seed),
  });
  return { spec, config };
}

/** A target whose first release (`v1`) is already promoted: the stable side of a canary test. */
export async function withStableRelease(cluster: Cluster, config: ResolvedConfig): Promise<KubernetesTarget> {
  const target = openTarget(cluster, config);
  const first = await deploy(engineDeps(target), deployInput(config, 'v1'));
  if (first.kind !== 'promoted') throw new Error(`first release not promoted: ${first.reasons.join('; ')}`);
  return target;
}

/** `spec.replicas` of release N's Deployment `hello-r<N>`. */
export async function replicasOf(cluster: Cluster, namespace: string, release: number): Promise<number> {
  const d = await cluster.apps.readNamespacedDeployment({ name: `hello-r${release}`, namespace });
  return d.spec?.replicas ?? 0;
}
