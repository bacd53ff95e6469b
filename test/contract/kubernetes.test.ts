/**
 * The Target contract on the Kubernetes target, against the local control plane (kwok marks pods
 * Ready; the HTTPRoute carries the weights). The cluster comes from the same detection as every
 * Kubernetes suite (test/support/k8s/cluster.ts): skipped locally when it is not built, a failure
 * under CI=true.
 */
import { toReleaseSpec } from '../../src/config/index.ts';
import { eventually, useCluster } from '../support/k8s/cluster.ts';
import { CANARY, digest, GATEWAY, makeConfig, openTarget } from '../targets/kubernetes/runtime/support.ts';
import { type Subject, targetContract } from './target-contract.ts';

const found = await useCluster();

targetContract(
  'kubernetes',
  async (t) => {
    const cluster = found.cluster;
    if (!cluster) throw new Error('no cluster (the suite should have been skipped)');
    const namespace = await cluster.namespace(t);
    const config = makeConfig({ namespace, strategy: CANARY, kubernetes: GATEWAY });
    const target = openTarget(cluster, config);
    const spec = (release: number) =>
      toReleaseSpec(config, { environment: 'production', release, digest: digest(`contract ${release}`) });
    const subject: Subject = {
      target,
      replicas: config.replicas,
      spec,
      record: (release) => {
        const s = spec(release);
        return {
          release,
          environment: 'production',
          service: s.service,
          digest: s.artifact.digest,
          configHash: s.configHash,
          config,
          strategy: s.strategy.kind,
          startedAt: Date.now(),
          reasons: [],
          spec: s,
        };
      },
      until: (what, pick) =>
        eventually(`kubernetes target: ${what}`, async () => pick(await target.observe())),
    };
    return subject;
  },
  { skip: found.skip, timeout: 180_000 },
);
