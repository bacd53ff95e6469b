// The parts of the cluster helper that decide without a cluster: when to skip, and namespace names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClusterPaths, connectCluster, eventually, namespaceName } from '../support/k8s/cluster.ts';

/** A machine where the control plane is not built (whatever this one has). */
const unbuilt = async (): Promise<ClusterPaths> => ({
  kubernetesVersion: '1.36.3',
  etcdVersion: '3.6.0',
  kwokVersion: '0.7.0',
  gatewayApiVersion: '1.6.3',
  bin: '/nowhere/k8s/bin',
  kubeconfig: '/nowhere/k8s/kubeconfig',
  built: false,
});

describe('connectCluster', () => {
  test('SLIPWAY_K8S=0 skips and says why', async () => {
    const result = await connectCluster({ SLIPWAY_K8S: '0' });
    assert.equal(result.cluster, undefined);
    assert.match(String(result.skip), /SLIPWAY_K8S=0/);
  });

  test('without a built cluster a local run skips, saying how to build it', async () => {
    const result = await connectCluster({}, unbuilt);
    assert.equal(result.cluster, undefined);
    assert.match(
      String(result.skip),
      /not built in \/nowhere\/k8s\/bin.*scripts\/ci\/40-k8s\.sh.*npm run k8s:up/,
    );
  });

  test('without a built cluster a CI run fails instead of skipping, saying how to build it', async () => {
    for (const env of [{ CI: 'true' }, { CI: 'true', SLIPWAY_K8S: '1' }]) {
      await assert.rejects(
        connectCluster(env, unbuilt),
        /cannot run under CI=true: .*not built in \/nowhere\/k8s\/bin.*scripts\/ci\/40-k8s\.sh.*npm run k8s:up/,
      );
    }
  });

  test('SLIPWAY_K8S=0 turns them off under CI too (a job without a cluster on purpose)', async () => {
    const result = await connectCluster({ CI: 'true', SLIPWAY_K8S: '0' }, unbuilt);
    assert.match(String(result.skip), /SLIPWAY_K8S=0/);
  });

  test('an unknown SLIPWAY_K8S value is an error that names the accepted values', async () => {
    await assert.rejects(
      connectCluster({ SLIPWAY_K8S: 'yes' }),
      /SLIPWAY_K8S must be 1 .*0 .*unset.*got 'yes'/,
    );
  });
});

describe('namespaceName', () => {
  const cases: Array<[string, RegExp]> = [
    ['a 3-replica Deployment becomes Available', /^t-a-3-replica-deployment-becomes-available-[0-9a-f]{8}$/],
    ['  ***  ', /^t-test-[0-9a-f]{8}$/],
    ['x'.repeat(100), /^t-x{40}-[0-9a-f]{8}$/],
    [`${'a'.repeat(39)} b`, /^t-a{39}-[0-9a-f]{8}$/], // the cut falls on a dash, which is dropped
  ];
  for (const [name, expected] of cases) {
    test(`'${name.slice(0, 30)}' gives a valid, unique DNS label`, () => {
      const a = namespaceName(name);
      assert.match(a, expected);
      assert.ok(a.length <= 63, `${a} is longer than 63 characters`);
      assert.notEqual(a, namespaceName(name));
    });
  }
});

describe('eventually', () => {
  test('returns the first defined value', async () => {
    let calls = 0;
    const value = await eventually(
      'the third call',
      async () => (++calls === 3 ? 'done' : undefined),
      5_000,
      1,
    );
    assert.equal(value, 'done');
    assert.equal(calls, 3);
  });

  test('times out naming what it waited for and the last error', async () => {
    await assert.rejects(
      eventually(
        'a Deployment',
        async () => {
          throw new Error('not found');
        },
        30,
        5,
      ),
      /Timed out after 30 ms waiting for a Deployment \(last error: not found\)/,
    );
  });
});
