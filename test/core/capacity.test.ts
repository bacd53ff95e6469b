import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canaryReplicas,
  proportionalWeights,
  rollingStep,
  sameWeights,
  splitWeights,
} from '../../src/core/capacity.ts';

describe('canaryReplicas: ceil(replicas × weight / 100), at least 1 while weight > 0', () => {
  const cases: Array<[name: string, replicas: number, weight: number, want: number]> = [
    ['no traffic, no instances', 5, 0, 0],
    ['10% of 4 rounds up to 1', 4, 10, 1],
    ['25% of 4 is exactly 1', 4, 25, 1],
    ['30% of 4 rounds up to 2', 4, 30, 2],
    ['33% of 10 rounds up to 4', 10, 33, 4],
    ['1% of 3 still gets an instance', 3, 1, 1],
    ['50% of 1 is the one instance', 1, 50, 1],
    ['50% of 3 rounds up to 2', 3, 50, 2],
    ['100% is full capacity', 5, 100, 5],
    ['99% of 100 is 99', 100, 99, 99],
    ['a weight above 100 never exceeds capacity', 4, 150, 4],
    ['a negative weight means none', 4, -5, 0],
  ];
  for (const [name, replicas, weight, want] of cases) {
    it(name, () => assert.equal(canaryReplicas(replicas, weight), want));
  }
});

describe('splitWeights: the two revisions always sum to 100', () => {
  const cases: Array<[name: string, stable: number | undefined, cand: number, w: number, want: object]> = [
    ['20% canary', 3, 4, 20, { '3': 80, '4': 20 }],
    ['abort: stable 100 and candidate 0 in one map', 3, 4, 0, { '3': 100, '4': 0 }],
    ['cutover', 3, 4, 100, { '3': 0, '4': 100 }],
    ['first release takes everything whatever the weight', undefined, 1, 5, { '1': 100 }],
    ['fractional weights are rounded', 3, 4, 12.6, { '3': 87, '4': 13 }],
    ['out-of-range weights are clamped', 3, 4, 140, { '3': 0, '4': 100 }],
  ];
  for (const [name, stable, cand, w, want] of cases) {
    it(name, () => assert.deepEqual(splitWeights(stable, cand, w), want));
  }
});

describe('proportionalWeights: traffic follows ready instances', () => {
  const cases: Array<[name: string, sReady: number, cReady: number, want: object]> = [
    ['3 old, 1 new', 3, 1, { '1': 75, '2': 25 }],
    ['2 old, 1 new', 2, 1, { '1': 67, '2': 33 }],
    ['199 old, 1 new: the new one still gets 1%', 199, 1, { '1': 99, '2': 1 }],
    ['1 old, 199 new: the old one still gets 1%', 1, 199, { '1': 1, '2': 99 }],
    ['no new ready: nothing to the candidate', 4, 0, { '1': 100, '2': 0 }],
    ['no old ready: everything to the candidate', 0, 3, { '1': 0, '2': 100 }],
    ['nothing ready: stable keeps it', 0, 0, { '1': 100, '2': 0 }],
  ];
  for (const [name, sReady, cReady, want] of cases) {
    it(name, () => assert.deepEqual(proportionalWeights(1, sReady, 2, cReady), want));
  }
});

describe('rollingStep: one reconcile within maxSurge / maxUnavailable', () => {
  type Case = [
    name: string,
    r: number,
    surge: number,
    unav: number,
    cur: [number, number],
    ready: number,
    want: [number, number],
  ];
  const cases: Case[] = [
    ['surge one new instance first', 3, 1, 0, [0, 3], 0, [1, 3]],
    ['nothing ready yet: wait', 3, 1, 0, [1, 3], 0, [1, 3]],
    ['one new ready: drop one old, add one new', 3, 1, 0, [1, 3], 1, [2, 2]],
    ['all new ready: drop the last old', 3, 1, 0, [3, 1], 3, [3, 0]],
    ['unavailability lets old go before new is ready', 4, 1, 1, [0, 4], 0, [2, 3]],
    ['surge 2 starts two at once', 4, 2, 0, [0, 4], 0, [2, 4]],
    ['unavailability is capped so one instance always serves', 1, 0, 1, [0, 1], 0, [1, 1]],
    ['no surge and no unavailability still moves (surge 1)', 2, 0, 0, [0, 2], 0, [1, 2]],
    ['candidate target never shrinks', 3, 1, 0, [3, 0], 1, [3, 0]],
    ['ready instances beyond the target do not count', 3, 1, 0, [1, 3], 5, [2, 2]],
  ];
  for (const [name, r, surge, unav, [c, s], ready, [wc, ws]] of cases) {
    it(name, () => {
      assert.deepEqual(rollingStep(r, surge, unav, { candidate: c, stable: s }, ready), {
        candidate: wc,
        stable: ws,
      });
    });
  }
});

describe('sameWeights', () => {
  it('treats a missing revision as 0', () => assert.ok(sameWeights({ '1': 100 }, { '1': 100, '2': 0 })));
  it('sees a moved percent', () => assert.ok(!sameWeights({ '1': 99, '2': 1 }, { '1': 100, '2': 0 })));
});
