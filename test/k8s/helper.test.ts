// The parts of the cluster helper that decide without a cluster: when to skip, and namespace names.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { connectCluster, eventually, namespaceName } from '../support/k8s/cluster.ts';

describe('connectCluster', () => {
  test('SLIPWAY_K8S=0 skips and says why', async () => {
    const result = await connectCluster({ SLIPWAY_K8S: '0' });
    assert.equal(result.cluster, undefined);
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
