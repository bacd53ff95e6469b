// Canary without a Gateway, on the real control plane (issue 5, section 3: "where no Gateway
// exists, replica ratio behind the shared Service"). The shared Service `hello` spreads requests
// over every pod it selects, so a weight is the candidate's share of those pods.
// Rounding rule (runtime/replicas.ts ratioShare): beside `s` stable pods the candidate runs
// round(s × w / (100 − w)) pods (halves up, at least 1), so that c / (c + s) is w as closely as whole
// pods allow; with 3 stable pods, 25 % → 1 pod (1/4) and 50 % → 3 pods (3/6) exactly.
// Skips cleanly when the cluster is not built (see docs/testing-kubernetes.md).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { deploy } from '../../../../src/engine/index.ts';
import { type Cluster, eventually, useCluster } from '../../../support/k8s/cluster.ts';
import {
  deployInput,
  engineDeps,
  makeConfig,
  replicasOf,
  ScriptedMetricsDouble,
  withStableRelease,
} from './support.ts';

const found = await useCluster();
const TIMEOUT = { timeout: 180_000 };

// Judged only in the analysis step, so the scripted failure rolls back at 50 %, not before.
const STEPS = `canary:
  continuousAnalysis: false
  steps:
    - setWeight: 25
    - pause: { duration: 1s }
    - setWeight: 50
    - analysis: { maxDuration: 30s }`;

describe('canary without a Gateway on a real cluster', { skip: found.skip }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = found.cluster as Cluster;
  });

  test(
    'the shared Service selects both revisions, pods in the ratio of each weight; rollback returns to stable only',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({
        namespace: ns,
        strategy: STEPS,
        kubernetes: '  terminationGracePeriod: 1s',
        extra: '    replicas: 3',
      });
      const target = await withStableRelease(cluster, config);

      const selector = async () =>
        (await cluster.core.readNamespacedService({ name: 'hello', namespace: ns })).spec?.selector ?? {};
      const replicas = (release: number) => replicasOf(cluster, ns, release);

      const seen: { weight: number; release?: string; stable: number; candidate: number }[] = [];
      let pinnedBeforeSteps: string | undefined;
      const original = target.apply.bind(target);
      target.apply = async (actions, spec) => {
        await original(actions, spec);
        if (seen.length === 0 && actions.some((a) => a.kind === 'ensure-revision' && a.release === 2)) {
          pinnedBeforeSteps = (await selector())['slipway.dev/release'];
        }
        const traffic = actions.find((a) => a.kind === 'set-traffic');
        if (!traffic) return;
        const candidate = await replicas(2).catch(() => 0);
        seen.push({
          weight: traffic.weights['2'] ?? 0,
          release: (await selector())['slipway.dev/release'],
          stable: await replicas(1),
          candidate,
        });
      };

      // The candidate fails its analysis at 50 %: the operation rolls back.
      const failing = new ScriptedMetricsDouble(100, new Set([2]), 0.5);
      const out = await deploy(engineDeps(target, { metrics: failing }), deployInput(config, 'v2'));
      assert.equal(out.kind, 'rolled-back', out.reasons.join('; '));

      // The candidate's pods got no traffic before the first step: stable alone was selected.
      assert.equal(pinnedBeforeSteps, '1');
      assert.deepEqual(seen, [
        // both revisions selected (no release in the selector), 1 of 4 pods = 25 %
        { weight: 25, release: undefined, stable: 3, candidate: 1 },
        // 3 of 6 pods = 50 %
        { weight: 50, release: undefined, stable: 3, candidate: 3 },
        // rollback: one selector change back to stable, the candidate still running (it drains)
        { weight: 0, release: '1', stable: 3, candidate: 3 },
      ]);
      for (const s of seen.slice(0, 2)) {
        assert.equal((100 * s.candidate) / (s.candidate + s.stable), s.weight, JSON.stringify(s));
      }
      // After the retire the split no longer names the candidate.
      assert.deepEqual(await target.weights(), { '1': 100 });
      await eventually('candidate retired', async () =>
        (await target.observe()).revisions.some((r) => r.release === 2) ? undefined : true,
      );
      assert.equal((await selector())['slipway.dev/release'], '1');
      assert.equal(await replicas(1), 3);
    },
  );
});
