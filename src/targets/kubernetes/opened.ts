/**
 * The kubernetes target behind the factory's `OpenedTarget`. The cluster comes from the usual
 * kubeconfig (`KUBECONFIG`, else `~/.kube/config`, else in-cluster). Images are built and pushed by
 * CI, not by Slipway: the digest to release is `deploy --artifact repo@sha256:…` (handled by the
 * command), else `SLIPWAY_IMAGE_DIGEST` (`sha256:…`); promotion between environments passes the
 * source environment's digest instead.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CoreV1Api, KubeConfig, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import type { ResolvedConfig } from '../../config/index.ts';
import { SlipwayError } from '../../core/fault.ts';
import { checkReader } from '../../providers/checks.ts';
import {
  type EnvironmentView,
  type LogLines,
  type OpenedTarget,
  type TargetContext,
  TargetUnavailableError,
} from '../opened.ts';
import { kubernetesCapabilities } from './capabilities.ts';
import { KubeClient } from './client.ts';
import { kubernetesMetrics } from './metrics.ts';
import { LABEL, podSelector } from './objects.ts';
import { liveRevisions, selectorString } from './runtime/live.ts';
import { KubernetesTarget } from './target.ts';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Something the user must provide or create before a release can start (exit 2, not a crash). */
export class KubernetesInputError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'KubernetesInputError';
  }
}

/** The cluster to talk to, or undefined when none is configured (no kubeconfig, not in a pod). */
export function kubeConfigFrom(env: NodeJS.ProcessEnv = process.env): KubeConfig | undefined {
  const kc = new KubeConfig();
  const home = env.HOME ?? homedir();
  const file = env.KUBECONFIG
    ? (env.KUBECONFIG.split(delimiter)[0] as string)
    : existsSync(join(home, '.kube', 'config'))
      ? join(home, '.kube', 'config')
      : undefined;
  if (file) {
    try {
      kc.loadFromFile(file);
    } catch (err) {
      // A missing or malformed kubeconfig is the user's to fix, not a crash.
      const why = (err as Error).message.split('\n')[0];
      throw new KubernetesInputError(
        `cannot read the kubeconfig ${file}${env.KUBECONFIG ? ' (from KUBECONFIG)' : ''}: ${why}; point KUBECONFIG at a valid kubeconfig file`,
      );
    }
  } else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else return undefined;
  return kc;
}

export async function openKubernetes(resolved: ResolvedConfig, ctx: TargetContext): Promise<OpenedTarget> {
  const processEnv = ctx.processEnv ?? process.env;
  const kubeConfig = kubeConfigFrom(processEnv);
  if (!kubeConfig) {
    throw new TargetUnavailableError(
      `environment ${ctx.environment}: the kubernetes target is not available yet on this machine, no cluster is configured; set KUBECONFIG to a kubeconfig file (or create ~/.kube/config)`,
    );
  }
  const client = new KubeClient(kubeConfig);
  const target = new KubernetesTarget({
    client,
    environment: ctx.environment,
    config: resolved,
    ...(processEnv.SLIPWAY_DRY_RUN === '1' ? { dryRun: true } : {}),
  });
  const ns = target.namespace;
  const metrics = kubernetesMetrics(
    resolved,
    { service: resolved.service, environment: ctx.environment, namespace: ns },
    processEnv,
  );

  const preflight = async () => {
    for (const [name, ref] of Object.entries(resolved.secrets ?? {})) {
      const r = ref as { source: string; name?: string; optional?: boolean };
      if (r.source !== 'kubernetes-secret' || r.optional || !r.name) continue;
      const found = await client.read<V1Secret & { kind: string }>('v1', 'Secret', ns, r.name);
      if (!found) {
        throw new KubernetesInputError(
          `secret ${name} of environment ${ctx.environment} refers to Secret ${r.name} in namespace ${ns}, which does not exist; create it with: slipway secrets set --env ${ctx.environment} ${r.name}`,
        );
      }
    }
  };

  return {
    kind: 'kubernetes',
    target,
    capabilities: kubernetesCapabilities(target, resolved),
    metrics: metrics.provider,
    // SLIPWAY_PROMETHEUS_URL was checked by kubernetesMetrics above; it replaces the default URL here too.
    checks: checkReader({
      labels: { service: resolved.service, environment: ctx.environment, namespace: ns },
      prometheusUrl: processEnv.SLIPWAY_PROMETHEUS_URL || undefined,
    }),
    metricSource: metrics.source,
    preflight,
    async prepareArtifact() {
      const digest = processEnv.SLIPWAY_IMAGE_DIGEST ?? '';
      if (!DIGEST.test(digest)) {
        throw new KubernetesInputError(
          `the kubernetes target deploys an image CI has pushed: pass it with --artifact <repository>@sha256:<64 hex digits>, or set SLIPWAY_IMAGE_DIGEST to its digest (sha256:<64 hex digits>)${digest ? `; got "${digest}"` : ''}`,
        );
      }
      await preflight();
      return { digest, ref: `${resolved.artifact.image}@${digest}` };
    },
    async view(): Promise<EnvironmentView> {
      const [obs, live] = await Promise.all([target.observe(), liveRevisions(client, ns, target.owner)]);
      return {
        weights: obs.weights,
        revisions: obs.revisions.map((r) => ({
          ...r,
          digest: live.find((l) => l.release === r.release)?.digest,
          instances: [],
        })),
      };
    },
    sample: async () => undefined,
    async logs(query): Promise<LogLines[]> {
      const core = client.kubeConfig.makeApiClient(CoreV1Api);
      const pods = await client.list<V1Pod & { kind: string }>('v1', 'Pod', ns, {
        labelSelector: selectorString(podSelector(target.owner)),
      });
      const releases = pods.map((p) => Number(p.metadata?.labels?.[LABEL.release] ?? 0));
      const release = query.release ?? Math.max(0, ...releases);
      const mine = pods.filter((p) => Number(p.metadata?.labels?.[LABEL.release]) === release);
      const out: LogLines[] = [];
      for (const [instance, pod] of mine.entries()) {
        if (query.instance !== undefined && instance !== query.instance) continue;
        const name = pod.metadata?.name ?? '';
        const text = await core
          .readNamespacedPodLog({ name, namespace: ns, tailLines: query.tail })
          .catch((err: Error) => `(no logs: ${err.message})`);
        out.push({ release, instance, file: `pod/${name}`, lines: String(text).split('\n').filter(Boolean) });
      }
      return out;
    },
    async shutdown() {},
  };
}
