// Drain on retire, on the real control plane (issue 5, section 3): after traffic leaves a revision
// (a rollback's weight-to-0, a promotion's switch) its pods keep running for the release's drain
// (`kubernetes.terminationGracePeriod`, the spec's drainMs) before the scale-down, while the switch
// itself stays one immediate apply. The request times come from the real KubeClient, wrapped to note
// when each write was made; the cluster's state is read back to confirm the order.
// Skips cleanly when the cluster is not built (see docs/testing-kubernetes.md).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { KubernetesObject } from '@kubernetes/client-node';
import { deploy } from '../../../../src/engine/index.ts';
import type { KubernetesTarget } from '../../../../src/targets/kubernetes/target.ts';
import { type Cluster, useCluster } from '../../../support/k8s/cluster.ts';
import {
  CANARY,
  deployInput,
  engineDeps,
  GATEWAY,
  makeConfig,
  ScriptedMetricsDouble,
  withStableRelease,
} from './support.ts';

const found = await useCluster();
const TIMEOUT = { timeout: 180_000 };
const DRAIN_MS = 1500;

interface Write {
  at: number;
  what: string;
  weights?: Record<string, number>;
  replicas?: number;
}

/** Notes every HTTPRoute apply (with its weights) and every Deployment scale-down, as sent. */
function recordWrites(target: KubernetesTarget): Write[] {
  const writes: Write[] = [];
  const client = target.client;
  const apply = client.apply.bind(client);
  client.apply = (async (obj, opts) => {
    const out = await apply(obj, opts);
    if (obj.kind === 'HTTPRoute') {
      const refs =
        (obj.spec as { rules: { backendRefs: { name: string; weight: number }[] }[] }).rules[0]
          ?.backendRefs ?? [];
      const weights = Object.fromEntries(refs.map((r) => [r.name, r.weight]));
      writes.push({ at: Date.now(), what: 'route', weights });
    }
    return out;
  }) as typeof client.apply;
  const mergePatch = client.mergePatch.bind(client);
  client.mergePatch = (async (obj: KubernetesObject & { spec?: { replicas?: number } }) => {
    if (obj.kind === 'Deployment')
      writes.push({ at: Date.now(), what: `scale ${obj.metadata?.name}`, replicas: obj.spec?.replicas });
    return mergePatch(obj as never);
  }) as typeof client.mergePatch;
  return writes;
}

describe('drain before the scale-down on a real cluster', { skip: found.skip }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = found.cluster as Cluster;
  });

  test(
    'rollback and promotion: the route switches at once, the old pods go only after the drain',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({
        namespace: ns,
        strategy: CANARY,
        kubernetes: `${GATEWAY}\n  terminationGracePeriod: ${DRAIN_MS}ms`,
      });
      const target = await withStableRelease(cluster, config);
      const writes = recordWrites(target);

      // Rollback: analysis fails at 20 %.
      const failing = new ScriptedMetricsDouble(100, new Set([2]), 0.5);
      const back = await deploy(engineDeps(target, { metrics: failing }), deployInput(config, 'v2-bad'));
      assert.equal(back.kind, 'rolled-back', back.reasons.join('; '));
      const switchBack = writes.find((w) => w.what === 'route' && w.weights?.['hello-r2'] === 0);
      const scaleDown = writes.find((w) => w.what === 'scale hello-r2' && w.replicas === 0);
      assert.ok(switchBack && scaleDown, JSON.stringify(writes));
      // One apply moved everything back to stable: r1 100 and r2 0 in the same HTTPRoute write.
      assert.deepEqual(switchBack.weights, { 'hello-r1': 100, 'hello-r2': 0 });
      const rollbackGap = scaleDown.at - switchBack.at;
      assert.ok(rollbackGap >= DRAIN_MS, `scaled down ${rollbackGap} ms after the switch`);
      assert.ok(rollbackGap < DRAIN_MS + 10_000, `waited ${rollbackGap} ms, not the configured drain`);

      // Promotion: release 3 takes everything, release 1 drains before it goes.
      writes.length = 0;
      const up = await deploy(engineDeps(target), deployInput(config, 'v3'));
      assert.equal(up.kind, 'promoted', up.reasons.join('; '));
      const switchOver = writes.find((w) => w.what === 'route' && w.weights?.['hello-r3'] === 100);
      const retire = writes.find((w) => w.what === 'scale hello-r1' && w.replicas === 0);
      assert.ok(switchOver && retire, JSON.stringify(writes));
      const promotionGap = retire.at - switchOver.at;
      assert.ok(promotionGap >= DRAIN_MS, `scaled down ${promotionGap} ms after the switch`);

      // The cluster agrees: only release 3 runs and the route names only it.
      const left = await cluster.apps.listNamespacedDeployment({ namespace: ns });
      assert.deepEqual(
        left.items.map((d) => d.metadata?.name),
        ['hello-r3'],
      );
      assert.deepEqual(await target.weights(), { '3': 100 });
    },
  );

  test('a candidate that never had a ready pod is removed without waiting', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const slow = `${GATEWAY}\n  terminationGracePeriod: 20s`;
    const config = makeConfig({ namespace: ns, strategy: CANARY, kubernetes: slow });
    const target = await withStableRelease(cluster, config);
    const huge = makeConfig({
      namespace: ns,
      strategy: CANARY,
      kubernetes: slow,
      extra:
        '    resources:\n      requests: { cpu: "5000", memory: 32Mi }\n      limits: { cpu: "5000", memory: 64Mi }',
    });
    const writes = recordWrites(target);
    const out = await deploy(engineDeps(target), deployInput(huge, 'v2-unschedulable'));
    assert.equal(out.kind, 'rolled-back', out.reasons.join('; '));
    const scaled = writes.find((w) => w.what === 'scale hello-r2');
    const last = writes.filter((w) => w.what === 'route').at(-1);
    assert.ok(scaled && last, JSON.stringify(writes));
    // Nothing could have reached pods that were never ready: no 20 s drain.
    assert.ok(scaled.at - last.at < 10_000, `waited ${scaled.at - last.at} ms`);
  });
});
