// The kubernetes target against the real control plane (kube-apiserver, controllers, kwok nodes):
// server-side apply, watch-driven canary and blue-green through the engine, automatic rollback,
// the Lease, resume after a stopped engine, prune, rollback to N and promotion by digest.
// Skips cleanly when the cluster is not built (see docs/testing-kubernetes.md).
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { V1Deployment } from '@kubernetes/client-node';
import {
  deploy,
  LockHeldError,
  resume,
  rollback,
  sendCommand,
  systemClock,
} from '../../../../src/engine/index.ts';
import { KubeApiError, KubeClient } from '../../../../src/targets/kubernetes/client.ts';
import { type Cluster, eventually, useCluster } from '../../../support/k8s/cluster.ts';
import {
  BLUE_GREEN,
  CANARY,
  deployInput,
  digest,
  engineDeps,
  GATEWAY,
  makeConfig,
  openTarget,
  ScriptedMetricsDouble,
} from './support.ts';

const found = await useCluster();
const TIMEOUT = { timeout: 180_000 };

describe('kubernetes target on a real cluster', { skip: found.skip }, () => {
  let cluster: Cluster;
  before(() => {
    cluster = found.cluster as Cluster;
  });

  test('server-side apply as slipway; unknown fields are errors with their path', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const client = new KubeClient(cluster.kubeConfig);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: ns },
      data: { a: '1' },
    };
    await client.apply(cm, { dryRun: true });
    assert.equal(await client.read('v1', 'ConfigMap', ns, 'c'), undefined, 'a dry run stores nothing');
    const applied = await client.apply<{ metadata: { managedFields?: { manager?: string }[] } }>(cm);
    assert.ok(applied.metadata.managedFields?.some((f) => f.manager === 'slipway'));
    const bad = { ...cm, metadata: { name: 'd', namespace: ns }, spec: { replicaz: 1 } };
    await assert.rejects(client.apply(bad), (err: unknown) => {
      assert.ok(err instanceof KubeApiError);
      assert.match(err.message, /\.spec: field not declared in schema/);
      return true;
    });
  });

  test(
    'canary to promotion: HTTPRoute weights at each step, then the old revision retired',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({ namespace: ns, strategy: CANARY, kubernetes: GATEWAY });
      const target = openTarget(cluster, config);
      const seen: Record<string, number>[] = [];
      const original = target.apply.bind(target);
      target.apply = async (actions, spec) => {
        await original(actions, spec);
        if (actions.some((a) => a.kind === 'set-traffic')) seen.push(await target.weights());
      };
      const first = await deploy(engineDeps(target), deployInput(config, 'v1'));
      assert.equal(first.kind, 'promoted', first.reason);
      const second = await deploy(engineDeps(target), deployInput(config, 'v2'));
      assert.equal(second.kind, 'promoted', second.reasons.join('; '));
      // Promotion keeps release 1 as a 0-weight backend until it is retired.
      assert.deepEqual(seen, [
        { '1': 100 },
        { '1': 80, '2': 20 },
        { '1': 50, '2': 50 },
        { '1': 0, '2': 100 },
      ]);
      const obs = await eventually('release 1 retired', async () => {
        const o = await target.observe();
        return o.revisions.some((r) => r.release === 1) ? undefined : o;
      });
      assert.deepEqual(obs.weights, { '2': 100 });
      const records = await target.ledger().releases();
      assert.deepEqual(
        records.map((r) => [r.release, r.outcome, r.digest]),
        [
          [1, 'promoted', digest('v1')],
          [2, 'promoted', digest('v2')],
        ],
      );
    },
  );

  test('blue-green: the stable Service selector switches in one apply', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const config = makeConfig({ namespace: ns, strategy: BLUE_GREEN });
    const target = openTarget(cluster, config);
    assert.equal((await deploy(engineDeps(target), deployInput(config, 'v1'))).kind, 'promoted');
    const selectors: string[] = [];
    const original = target.apply.bind(target);
    target.apply = async (actions, spec) => {
      await original(actions, spec);
      if (actions.some((a) => a.kind === 'set-traffic')) {
        const svc = await cluster.core.readNamespacedService({ name: 'hello', namespace: ns });
        selectors.push(svc.spec?.selector?.['slipway.dev/release'] ?? '');
      }
    };
    const out = await deploy(engineDeps(target), deployInput(config, 'v2'));
    assert.equal(out.kind, 'promoted', out.reasons.join('; '));
    assert.deepEqual(selectors, ['2']);
    const preview = await cluster.core.readNamespacedService({ name: 'hello-preview', namespace: ns });
    assert.equal(preview.spec?.selector?.['slipway.dev/release'], '2');
  });

  test(
    'a candidate that cannot be scheduled is rolled back, its events in the reason',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({ namespace: ns, strategy: CANARY, kubernetes: GATEWAY });
      const target = openTarget(cluster, config);
      assert.equal((await deploy(engineDeps(target), deployInput(config, 'v1'))).kind, 'promoted');
      const huge = makeConfig({
        namespace: ns,
        strategy: CANARY,
        kubernetes: GATEWAY,
        extra:
          '    resources:\n      requests: { cpu: "5000", memory: 32Mi }\n      limits: { cpu: "5000", memory: 64Mi }',
      });
      const out = await deploy(engineDeps(target), deployInput(huge, 'v2-unschedulable'));
      assert.equal(out.kind, 'rolled-back', out.reasons.join('; '));
      assert.match(out.reasons.join('; '), /cannot be scheduled|FailedScheduling|Insufficient cpu/);
      assert.deepEqual(await target.weights(), { '1': 100 });
    },
  );

  test('failing analysis puts the weight back on stable in one apply', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const config = makeConfig({ namespace: ns, strategy: CANARY, kubernetes: GATEWAY });
    const target = openTarget(cluster, config);
    assert.equal((await deploy(engineDeps(target), deployInput(config, 'v1'))).kind, 'promoted');
    const bad = new ScriptedMetricsDouble(100, new Set([2]), 0.5);
    const out = await deploy(engineDeps(target, { metrics: bad }), deployInput(config, 'v2-bad'));
    assert.equal(out.kind, 'rolled-back', out.reasons.join('; '));
    assert.deepEqual(await target.weights(), { '1': 100 });
  });

  test('a held Lease refuses a second deploy, naming the holder', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const config = makeConfig({ namespace: ns, strategy: CANARY, kubernetes: GATEWAY });
    const target = openTarget(cluster, config);
    const lock = await target.lock('alice@ci:42', 30_000);
    await assert.rejects(deploy(engineDeps(target), deployInput(config, 'v1')), (err: unknown) => {
      assert.ok(err instanceof LockHeldError);
      assert.equal(err.holder, 'alice@ci:42');
      return true;
    });
    await lock.renew();
    await lock.release();
    const again = await target.lock('bob', 5_000);
    assert.equal(again.holder, 'bob');
    await again.release();
  });

  test('an engine stopped mid-rollout is resumed by the next run', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const paused = `canary:\n  steps:\n    - setWeight: 30\n    - pause: {}`;
    const config = makeConfig({ namespace: ns, strategy: paused, kubernetes: GATEWAY });
    const target = openTarget(cluster, config);
    assert.equal((await deploy(engineDeps(target), deployInput(config, 'v1'))).kind, 'promoted');
    const stop = new AbortController();
    const running = deploy(engineDeps(target, { signal: stop.signal }), deployInput(config, 'v2'));
    await eventually('candidate at 30%', async () =>
      (await target.weights())['2'] === 30 ? true : undefined,
    );
    stop.abort(new Error('killed'));
    await assert.rejects(running);
    await sendCommand(target, 'production', { kind: 'promote', at: systemClock.now() });
    const out = await resume(engineDeps(target), 'production');
    assert.equal(out.kind, 'promoted', out.reasons.join('; '));
    assert.equal(out.release, 2);
  });

  test('prune deletes what the render dropped, never what Slipway does not own', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const ingress = '  ingress: { host: hello.test, className: test }';
    const withIngress = makeConfig({ namespace: ns, strategy: BLUE_GREEN, kubernetes: ingress });
    const target = openTarget(cluster, withIngress);
    assert.equal((await deploy(engineDeps(target), deployInput(withIngress, 'v1'))).kind, 'promoted');
    await cluster.core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'not-ours', labels: { 'app.kubernetes.io/part-of': 'hello' } } },
    });
    const without = openTarget(cluster, makeConfig({ namespace: ns, strategy: BLUE_GREEN }));
    assert.deepEqual(await without.prune(), ['Ingress/hello']);
    assert.deepEqual(await without.prune(), []);
    await cluster.core.readNamespacedConfigMap({ name: 'not-ours', namespace: ns });
  });

  test(
    'rollback to N runs N’s digest again; promotion carries a digest between environments',
    TIMEOUT,
    async (t) => {
      const ns = await cluster.namespace(t);
      const config = makeConfig({ namespace: ns, strategy: BLUE_GREEN });
      const target = openTarget(cluster, config);
      for (const v of ['v1', 'v2'])
        assert.equal((await deploy(engineDeps(target), deployInput(config, v))).kind, 'promoted');
      const back = await rollback(engineDeps(target), 'production', { to: 1 });
      assert.equal(back.kind, 'promoted', back.reasons.join('; '));
      const live = await cluster.apps.listNamespacedDeployment({ namespace: ns });
      const images = live.items
        .filter((d: V1Deployment) => (d.spec?.replicas ?? 0) > 0)
        .map((d: V1Deployment) => d.spec?.template.spec?.containers[0]?.image);
      assert.ok(
        images.every((i) => i?.endsWith(digest('v1'))),
        `running: ${images.join(', ')}`,
      );

      const other = await cluster.namespace(t);
      const prodConfig = makeConfig({ namespace: other, strategy: BLUE_GREEN });
      const prod = openTarget(cluster, prodConfig);
      const source = (await target.ledger().releases()).at(-1);
      const input = deployInput(prodConfig, 'ignored');
      input.spec.artifact = { digest: source?.digest ?? '' };
      assert.equal((await deploy(engineDeps(prod), input)).kind, 'promoted');
      assert.equal((await prod.ledger().releases())[0]?.digest, digest('v1'));
    },
  );

  test('changes() wakes on a Deployment becoming ready', TIMEOUT, async (t) => {
    const ns = await cluster.namespace(t);
    const config = makeConfig({ namespace: ns, strategy: BLUE_GREEN });
    const target = openTarget(cluster, config);
    const stop = new AbortController();
    t.after(() => stop.abort());
    const wakes = target.changes(stop.signal)[Symbol.asyncIterator]();
    const spec = { ...deployInput(config, 'v1').spec, release: 1 };
    await target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec);
    await wakes.next();
    await eventually('ready', async () =>
      (await target.observe()).revisions[0]?.ready === 1 ? true : undefined,
    );
  });
});
