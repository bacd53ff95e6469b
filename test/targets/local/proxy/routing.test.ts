import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileTable,
  RouteTableError,
  stickyPick,
  swrrSchedule,
  validateRouteTable,
} from '../../../../src/targets/local/proxy/routing.ts';

const ids = (items: { id: string }[]) => items.map((i) => i.id).join(' ');

describe('smooth weighted round-robin', () => {
  const cases: { name: string; weights: Record<string, number>; expected: string }[] = [
    { name: "nginx's own example", weights: { a: 5, b: 1, c: 1 }, expected: 'a a b a c a a' },
    { name: 'even split alternates', weights: { a: 1, b: 1 }, expected: 'a b' },
    { name: 'three to one spreads the minority', weights: { a: 3, b: 1 }, expected: 'a a b a' },
    { name: 'a single revision', weights: { a: 4 }, expected: 'a a a a' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const items = Object.entries(c.weights).map(([id, weight]) => ({ id, weight }));
      assert.equal(ids(swrrSchedule(items)), c.expected);
    });
  }

  it('gives every revision exactly its weight over one period of 100', () => {
    const schedule = swrrSchedule([
      { id: 'stable', weight: 87 },
      { id: 'canary', weight: 10 },
      { id: 'shadow', weight: 3 },
    ]);
    assert.equal(schedule.length, 100);
    const count = (id: string) => schedule.filter((s) => s.id === id).length;
    assert.deepEqual([count('stable'), count('canary'), count('shadow')], [87, 10, 3]);
    // Smoothness: the canary's 10 requests are never back to back.
    for (let i = 1; i < schedule.length; i++)
      assert.ok(!(schedule[i]!.id === 'canary' && schedule[i - 1]!.id === 'canary'));
  });
});

describe('route table validation', () => {
  const instance = { host: '127.0.0.1', port: 3000 };
  it('accepts a table whose weights sum to 100', () => {
    validateRouteTable({
      revisions: [{ id: '1', instances: [instance] }],
      weights: { '1': 100 },
      stable: '1',
    });
    validateRouteTable({ revisions: [], weights: {} });
  });
  it('lists every problem with its path and a fix', () => {
    assert.throws(
      () =>
        validateRouteTable({
          revisions: [
            { id: '1', instances: [{ host: '127.0.0.1', port: 70000 }] },
            { id: '1', instances: [] },
          ],
          weights: { '1': 50, '2': 20.5 },
          stable: '3',
        }),
      (error: Error) => {
        assert.ok(error instanceof RouteTableError);
        for (const part of [
          'revisions[0].instances[0].port is 70000',
          'revisions[1].id "1" is listed twice',
          'weights.2: revision "2" is not in revisions',
          'weights.2 is 20.5: use an integer percent',
          'weights sum to 70.5',
          'stable is "3"',
        ]) {
          assert.ok(error.message.includes(part), `missing "${part}" in:\n${error.message}`);
        }
        return true;
      },
    );
  });
});

describe('compiled table', () => {
  it('gives the share of a revision without instances to the others', () => {
    const table = compileTable(
      {
        revisions: [
          { id: 'a', instances: [{ host: '127.0.0.1', port: 1 }] },
          { id: 'b', instances: [] },
        ],
        weights: { a: 60, b: 40 },
      },
      1,
      new Map(),
    );
    assert.equal(table.schedule.length, 60);
    assert.ok(table.schedule.every((r) => r.id === 'a'));
  });
});

describe('sticky hashing', () => {
  const compiled = (weights: Record<string, number>) =>
    compileTable(
      {
        revisions: Object.keys(weights).map((id) => ({ id, instances: [{ host: '127.0.0.1', port: 1 }] })),
        weights,
      },
      1,
      new Map(),
    ).weighted;
  const keys = Array.from({ length: 20_000 }, (_, i) => `session-${i}`);

  it('splits sessions in proportion to the weights', () => {
    const table = compiled({ stable: 90, canary: 10 });
    const canary = keys.filter((k) => stickyPick(table, k)!.id === 'canary').length / keys.length;
    assert.ok(Math.abs(canary - 0.1) < 0.01, `canary share ${canary}`);
  });

  it('moves sessions only towards the revision whose weight grew', () => {
    const before = compiled({ stable: 90, canary: 10 });
    const after = compiled({ stable: 75, canary: 25 });
    let toCanary = 0;
    for (const key of keys) {
      const a = stickyPick(before, key)!.id;
      const b = stickyPick(after, key)!.id;
      assert.ok(!(a === 'canary' && b === 'stable'), `${key} moved back from canary to stable`);
      if (a !== b) toCanary++;
    }
    assert.ok(Math.abs(toCanary / keys.length - 0.15) < 0.015, `moved ${toCanary}`);
  });
});
