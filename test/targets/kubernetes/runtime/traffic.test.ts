import assert from 'node:assert/strict';
import { test } from 'node:test';
import { microTime } from '../../../../src/targets/kubernetes/lease.ts';
import { strays } from '../../../../src/targets/kubernetes/runtime/prune.ts';
import {
  heaviest,
  weightsFromReplicas,
  weightsFromRoute,
  weightsFromSelector,
} from '../../../../src/targets/kubernetes/runtime/traffic.ts';

test('weightsFromRoute reads the revision backends of this service only', () => {
  const route = {
    spec: {
      rules: [
        {
          backendRefs: [
            { name: 'hello-r1', weight: 90 },
            { name: 'hello-r2', weight: 10 },
            { name: 'other-r3', weight: 5 },
            { name: 'hello-r04', weight: 5 },
            { name: 'hello-r5' },
          ],
        },
      ],
    },
  };
  assert.deepEqual(weightsFromRoute(route as never, 'hello'), { '1': 90, '2': 10, '5': 1 });
  assert.deepEqual(weightsFromRoute(undefined, 'hello'), {});
});

test('weightsFromSelector: the selected release gets everything', () => {
  assert.deepEqual(weightsFromSelector({ spec: { selector: { 'slipway.dev/release': '7' } } } as never), {
    '7': 100,
  });
  assert.deepEqual(weightsFromSelector({ spec: { selector: {} } } as never), {});
});

test('weightsFromReplicas: the annotation wins, else the ready ratio summing to 100', () => {
  const svc = { metadata: { annotations: { 'slipway.dev/weights': '{"1":75,"2":25}' } } };
  assert.deepEqual(weightsFromReplicas(svc as never, []), { '1': 75, '2': 25 });
  const ratio = weightsFromReplicas(undefined, [
    { release: 1, ready: 2 },
    { release: 2, ready: 1 },
  ]);
  assert.deepEqual(ratio, { '1': 67, '2': 33 });
  assert.deepEqual(weightsFromReplicas(undefined, [{ release: 1, ready: 0 }]), {});
});

test('heaviest: most weight, lowest release on a tie, none when nothing serves', () => {
  assert.equal(heaviest({ '1': 90, '2': 10 }), 1);
  assert.equal(heaviest({ '1': 10, '2': 90 }), 2);
  assert.equal(heaviest({ '3': 50, '2': 50 }), 2);
  assert.equal(heaviest({ '1': 0 }), undefined);
});

test('strays: owned objects the render no longer produces', () => {
  const owned = [
    { kind: 'Service', metadata: { name: 'hello' } },
    { kind: 'Service', metadata: { name: 'hello-r1' } },
    { kind: 'Ingress', metadata: { name: 'hello' } },
  ];
  const desired = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'hello' } }];
  assert.deepEqual(
    strays(owned, desired).map((o) => `${o.kind}/${o.metadata?.name}`),
    ['Service/hello-r1', 'Ingress/hello'],
  );
});

test('microTime has the six fractional digits the API server requires', () => {
  assert.equal(microTime(Date.UTC(2026, 10, 27, 6, 0, 0, 123)), '2026-11-27T06:00:00.123000Z');
});
