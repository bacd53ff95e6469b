// HPA during a canary, on the real control plane (issue 5, section 3): the HPA keeps scaling
// stable; the candidate's replicas follow its weight relative to stable's *current* replicas (not
// the HPA maximum); on promotion the HPA moves to the new revision without a capacity dip.
// Skips cleanly when the cluster is not built (see docs/testing-kubernetes.md).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  AutoscalingV2Api,
  type V1Deployment,
  type V1HorizontalPodAutoscaler,
  Watch,
} from '@kubernetes/client-node';
import { deploy } from '../../../../src/engine/index.ts';
import { type Cluster, eventually, useCluster } from '../../../support/k8s/cluster.ts';
import {
  BLUE_GREEN,
  deployInput,
  engineDeps,
  GATEWAY,
  makeConfig,
  replicasOf,
  withStableRelease,
} from './support.ts';

const found = await useCluster();
const TIMEOUT = { timeout: 180_000 };

const STEPS = `canary:
  steps:
    - setWeight: 20
    - pause: { duration: 1s }
    - setWeight: 50
    - pause: { duration: 1s }
    - setWeight: 75
    - pause: { duration: 1s }`;
const AUTOSCALING = '    replicas: 2\n    autoscaling: { min: 2, max: 10 }';
/** What the "HPA" scales stable to while the candidate is at 20 %. */
const SCALED = 5;
const MAX = 10;

describe('HPA during a canary on a real cluster', { skip: found.skip }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = found.cluster as Cluster;
  });

  test(
    'stable scaled by the HPA: the candidate follows its weight of stable’s current replicas, and the HPA moves to it at promotion without a dip',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({
        namespace: ns,
        strategy: STEPS,
        kubernetes: `${GATEWAY}\n  terminationGracePeriod: 1s`,
        extra: AUTOSCALING,
      });
      const target = await withStableRelease(cluster, config);
      const autoscaling = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
      const hpa = () => autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'hello', namespace: ns });
      assert.equal((await hpa()).spec.scaleTargetRef.name, 'hello-r1');

      const replicas = (release: number) => replicasOf(cluster, ns, release);

      // Every spec.replicas the new revision's Deployment ever has, from a watch, and when the HPA
      // started pointing at it.
      const seen: { at: number; replicas: number }[] = [];
      let hpaMovedAt: number | undefined;
      const stopWatches: AbortController[] = [];
      const watch = new Watch(cluster.kubeConfig);
      stopWatches.push(
        await watch.watch(
          `/apis/apps/v1/namespaces/${ns}/deployments`,
          { fieldSelector: 'metadata.name=hello-r2' },
          (_type, d: V1Deployment) => seen.push({ at: Date.now(), replicas: d.spec?.replicas ?? 0 }),
          () => {},
        ),
        await watch.watch(
          `/apis/autoscaling/v2/namespaces/${ns}/horizontalpodautoscalers`,
          {},
          (_type, h: V1HorizontalPodAutoscaler) => {
            if (h.spec.scaleTargetRef.name === 'hello-r2') hpaMovedAt ??= Date.now();
          },
          () => {},
        ),
      );
      t.after(() => {
        for (const c of stopWatches) c.abort();
      });

      const atStep: Record<number, { stable?: number; candidate?: number; hpa: string }> = {};
      const original = target.apply.bind(target);
      target.apply = async (actions, spec) => {
        await original(actions, spec);
        const traffic = actions.find((a) => a.kind === 'set-traffic');
        if (!traffic) return;
        const weight = traffic.weights['2'] ?? 0;
        atStep[weight] = { stable: await replicas(1), candidate: await replicas(2), hpa: '' };
        atStep[weight].hpa = (await hpa()).spec.scaleTargetRef.name;
        if (weight === 20) {
          // No metrics-server runs under kwok, so the HPA controller cannot decide to scale. Do what
          // it does once it has decided: write spec.replicas of its scaleTargetRef (stable's
          // Deployment) through the `scale` subresource.
          await cluster.apps.replaceNamespacedDeploymentScale({
            name: 'hello-r1',
            namespace: ns,
            body: {
              apiVersion: 'autoscaling/v1',
              kind: 'Scale',
              metadata: { name: 'hello-r1', namespace: ns },
              spec: { replicas: SCALED },
            },
          });
        }
      };

      const out = await deploy(engineDeps(target), deployInput(config, 'v2'));
      assert.equal(out.kind, 'promoted', out.reasons.join('; '));

      // 20 %: stable still at spec.replicas (2), the candidate at ceil(2 × 20 / 100) = 1.
      assert.deepEqual(atStep[20], { stable: 2, candidate: 1, hpa: 'hello-r1' });
      // 50 %: the HPA's 5 kept (Slipway does not shrink stable back to 2), and the candidate at
      // ceil(5 × 50 / 100) = 3 — not ceil(2 × 50 / 100) = 1 (spec.replicas), not 5 (the HPA max).
      assert.deepEqual(atStep[50], {
        stable: SCALED,
        candidate: Math.ceil((SCALED * 50) / 100),
        hpa: 'hello-r1',
      });
      assert.notEqual(atStep[50]?.candidate, Math.ceil((MAX * 50) / 100));
      // 75 %: still the HPA's stable (the older release keeps the HPA until the candidate serves
      // alone), the candidate at ceil(5 × 75 / 100) = 4.
      assert.deepEqual(atStep[75], {
        stable: SCALED,
        candidate: Math.ceil((SCALED * 75) / 100),
        hpa: 'hello-r1',
      });
      // 100 %: the HPA targets the new revision, which runs at least what stable had.
      assert.equal(atStep[100]?.hpa, 'hello-r2');
      assert.ok((atStep[100]?.candidate ?? 0) >= SCALED, JSON.stringify(atStep));

      await eventually('release 1 retired', async () =>
        (await target.observe()).revisions.some((r) => r.release === 1) ? undefined : true,
      );
      assert.equal((await hpa()).spec.scaleTargetRef.name, 'hello-r2');
      assert.ok(hpaMovedAt !== undefined, 'the HPA never pointed at hello-r2');
      // What hello-r2 ran when the HPA moved to it (the last value seen before), and everything after.
      const moved = hpaMovedAt as number;
      const since = seen.findLastIndex((s) => s.at <= moved);
      const afterMove = seen.slice(Math.max(0, since));
      assert.ok(afterMove.length > 0, 'no replicas of hello-r2 seen');
      assert.ok(
        afterMove.every((s) => s.replicas >= SCALED),
        `hello-r2 dipped below ${SCALED} after the HPA moved to it: ${afterMove.map((s) => s.replicas).join(', ')}`,
      );
      assert.equal(await replicas(2), SCALED);
    },
  );

  test(
    'blue-green: the candidate starts at stable’s current replicas and takes over the HPA',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({
        namespace: ns,
        strategy: BLUE_GREEN,
        kubernetes: '  terminationGracePeriod: 1s',
        extra: AUTOSCALING,
      });
      const target = await withStableRelease(cluster, config);
      // The HPA's decision, written the way its controller writes it (see the canary test).
      await cluster.apps.replaceNamespacedDeploymentScale({
        name: 'hello-r1',
        namespace: ns,
        body: { metadata: { name: 'hello-r1', namespace: ns }, spec: { replicas: SCALED } },
      });
      const autoscaling = cluster.kubeConfig.makeApiClient(AutoscalingV2Api);
      let atSwitch: { candidate: number; hpa: string } | undefined;
      const original = target.apply.bind(target);
      target.apply = async (actions, spec) => {
        if (actions.some((a) => a.kind === 'set-traffic')) {
          const d = await cluster.apps.readNamespacedDeployment({ name: 'hello-r2', namespace: ns });
          await original(actions, spec);
          const h = await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: 'hello', namespace: ns });
          atSwitch = {
            candidate: d.spec?.replicas ?? 0,
            hpa: h.spec.scaleTargetRef.name,
          };
          return;
        }
        await original(actions, spec);
      };
      const out = await deploy(engineDeps(target), deployInput(config, 'v2'));
      assert.equal(out.kind, 'promoted', out.reasons.join('; '));
      // Full capacity means what stable runs now (5), not replicas (2).
      assert.equal(atSwitch?.candidate, SCALED, JSON.stringify(atSwitch));
      assert.equal(atSwitch?.hpa, 'hello-r2');
      assert.equal(await replicasOf(cluster, ns, 2), SCALED);
    },
  );
});
