// The pure pieces behind the canary's pod counts, the stable release and the drain clock (no cluster).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canaryReplicas } from '../../../../src/core/capacity.ts';
import { DrainClock, sleepKeepingAlive } from '../../../../src/targets/kubernetes/runtime/drain.ts';
import {
  ratioShare,
  routedShare,
  upcomingWeight,
} from '../../../../src/targets/kubernetes/runtime/replicas.ts';
import { stableOf, weightsFromReplicas } from '../../../../src/targets/kubernetes/runtime/traffic.ts';

test('routedShare: ceil(stable × weight / 100), at least 1 while serving, stable at 100', () => {
  assert.equal(routedShare(5, 50), 3);
  assert.equal(routedShare(5, 20), 1);
  assert.equal(routedShare(8, 25), 2);
  assert.equal(routedShare(5, 0), 0);
  assert.equal(routedShare(5, 100), 5);
  // With stable at spec.replicas it is exactly the core's count.
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 100 }), (s, w) => {
      assert.equal(routedShare(s, w), canaryReplicas(s, w));
    }),
  );
});

test('ratioShare: the candidate pods whose share of all pods is the weight, to the nearest pod', () => {
  const share = (s: number, w: number) => {
    const c = ratioShare(s, w);
    return Math.round((1000 * c) / (c + s)) / 10;
  };
  assert.equal(ratioShare(3, 25), 1);
  assert.equal(share(3, 25), 25);
  assert.equal(ratioShare(3, 50), 3);
  assert.equal(share(3, 50), 50);
  assert.equal(ratioShare(2, 25), 1); // 33 %: two stable pods cannot give a quarter
  assert.equal(ratioShare(4, 10), 1); // the smallest canary is one pod
  assert.equal(ratioShare(9, 30), 4);
  assert.equal(ratioShare(3, 0), 0);
  assert.equal(ratioShare(3, 100), 3);
  // Within half a pod of the exact count, at least 1.
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 99 }), (s, w) => {
      const exact = (s * w) / (100 - w);
      const c = ratioShare(s, w);
      assert.ok(c >= 1);
      assert.ok(c === 1 || Math.abs(c - exact) <= 0.5, `${s} ${w} → ${c} (exact ${exact})`);
    }),
  );
});

test('upcomingWeight: the next step the core is growing for; full capacity is the promotion', () => {
  assert.equal(upcomingWeight([20, 50], 4, 1, 0), 20);
  assert.equal(upcomingWeight([20, 50], 4, 2, 20), 50);
  assert.equal(upcomingWeight([20, 50], 4, 4, 50), 100);
  // Steps 20 and 50 both need one pod of two: at 20 %, one pod is for the 50 % step.
  assert.equal(upcomingWeight([20, 50], 2, 1, 20), 50);
  // A shrink comes after its traffic change: the current weight is the step's.
  assert.equal(upcomingWeight([50, 20], 4, 1, 20), 20);
  // A weight step that already needs every pod is that step, not the promotion.
  assert.equal(upcomingWeight([20, 60], 2, 2, 20), 60);
  assert.equal(upcomingWeight([20, 60], 2, 2, 60), 100);
});

test('stableOf: the older release stays stable past 50 %, the candidate only once alone', () => {
  assert.equal(stableOf({ '1': 40, '2': 60 }, 2), 1);
  assert.equal(stableOf({ '1': 0, '2': 100 }, 2), 2);
  assert.equal(stableOf({ '1': 100 }, 2), 1);
  assert.equal(stableOf({ '1': 40, '2': 60 }), 2);
});

test('weightsFromReplicas: a Service pinned to one release gives it everything', () => {
  const pinned = { spec: { selector: { 'slipway.dev/release': '3' } } };
  assert.deepEqual(weightsFromReplicas(pinned as never, [{ release: 3, ready: 2 }]), { '3': 100 });
  const noted = { ...pinned, metadata: { annotations: { 'slipway.dev/weights': '{"3":100,"4":0}' } } };
  assert.deepEqual(weightsFromReplicas(noted as never, []), { '3': 100, '4': 0 });
});

test('DrainClock: the drain counts from the switch this process saw, else in full', () => {
  let now = 1000;
  const clock = new DrainClock(() => now);
  clock.switched({ '1': 50, '2': 50 }, { '1': 100, '2': 0 });
  now = 1600;
  assert.equal(clock.remaining(2, 1500), 900);
  assert.equal(clock.remaining(1, 1500), 1500, 'release 1 never left: a full drain');
  now = 3000;
  assert.equal(clock.remaining(2, 1500), 0);
  clock.switched({ '1': 100, '2': 0 }, { '1': 0, '2': 100 });
  assert.equal(clock.remaining(2, 1500), 1500, 'back in service: its old switch no longer counts');
  assert.equal(clock.remaining(1, 1500), 1500);
});

test('sleepKeepingAlive renews meanwhile, and stops when renewal fails', async () => {
  let renewals = 0;
  const start = Date.now();
  await sleepKeepingAlive(350, 100, async () => {
    renewals++;
  });
  assert.ok(Date.now() - start >= 350);
  assert.ok(renewals >= 2, `renewed ${renewals} times`);
  await assert.rejects(
    sleepKeepingAlive(500, 100, async () => {
      throw new Error('lease lost');
    }),
    /lease lost/,
  );
});
