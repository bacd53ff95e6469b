import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeOverlay } from '../../src/config/merge.ts';

const cases: { name: string; base: unknown; overlay: unknown; expected: unknown }[] = [
  {
    name: 'absent keys keep the base value',
    base: { a: 1, b: 2 },
    overlay: { b: 3 },
    expected: { a: 1, b: 3 },
  },
  {
    name: 'maps merge deeply',
    base: { a: { x: 1, y: { z: 1 } } },
    overlay: { a: { y: { w: 2 } } },
    expected: { a: { x: 1, y: { z: 1, w: 2 } } },
  },
  {
    name: 'lists replace whole, never concatenate',
    base: { steps: [1, 2, 3] },
    overlay: { steps: [9] },
    expected: { steps: [9] },
  },
  {
    name: 'an empty list replaces too',
    base: { steps: [1] },
    overlay: { steps: [] },
    expected: { steps: [] },
  },
  { name: 'null removes a key', base: { a: 1, b: 2 }, overlay: { a: null }, expected: { b: 2 } },
  {
    name: 'null removes a whole subtree',
    base: { autoscaling: { min: 1, max: 3 }, r: 1 },
    overlay: { autoscaling: null },
    expected: { r: 1 },
  },
  {
    name: 'null for a key the base lacks is a no-op',
    base: { a: 1 },
    overlay: { b: null },
    expected: { a: 1 },
  },
  {
    name: 'null inside a map that replaces a scalar is dropped',
    base: { a: 1 },
    overlay: { a: { x: null, y: 2 } },
    expected: { a: { y: 2 } },
  },
  { name: 'a scalar replaces a map', base: { a: { x: 1 } }, overlay: { a: 'text' }, expected: { a: 'text' } },
  { name: 'a map replaces a scalar', base: { a: 1 }, overlay: { a: { x: 1 } }, expected: { a: { x: 1 } } },
  {
    name: 'new overlay keys are added after base keys',
    base: { a: 1 },
    overlay: { c: 3, b: 2 },
    expected: { a: 1, c: 3, b: 2 },
  },
  {
    name: 'record entries merge like maps (env vars)',
    base: { env: { A: '1', B: '2' } },
    overlay: { env: { B: '3', C: '4' } },
    expected: { env: { A: '1', B: '3', C: '4' } },
  },
  {
    name: 'null removes one env var',
    base: { env: { A: '1', B: '2' } },
    overlay: { env: { A: null } },
    expected: { env: { B: '2' } },
  },
  {
    name: 'same strategy kind merges deeply',
    base: { strategy: { canary: { steps: [{ setWeight: 10 }], continuousAnalysis: false } } },
    overlay: { strategy: { canary: { steps: [{ setWeight: 50 }] } } },
    expected: { strategy: { canary: { steps: [{ setWeight: 50 }], continuousAnalysis: false } } },
  },
  {
    name: 'another strategy kind replaces the base strategy (one-of)',
    base: { strategy: { canary: { steps: [{ setWeight: 10 }] } } },
    overlay: { strategy: { 'blue-green': { autoPromote: false } } },
    expected: { strategy: { 'blue-green': { autoPromote: false } } },
  },
  {
    name: 'one-of applies only to strategy, not to other maps',
    base: { artifact: { image: 'a' } },
    overlay: { artifact: { local: { path: '.' } } },
    expected: { artifact: { image: 'a', local: { path: '.' } } },
  },
  {
    name: 'an undefined overlay returns a copy of the base',
    base: { a: [1] },
    overlay: undefined,
    expected: { a: [1] },
  },
  {
    name: 'nulls inside overlay lists are kept for validation to report',
    base: {},
    overlay: { l: [null] },
    expected: { l: [null] },
  },
];

describe('mergeOverlay', () => {
  for (const c of cases) {
    it(c.name, () => {
      const result = mergeOverlay(c.base, c.overlay);
      assert.deepEqual(result, c.expected);
      // key order is part of the contract (deterministic output and config hashes)
      assert.equal(JSON.stringify(result), JSON.stringify(c.expected));
    });
  }

  it('never mutates its inputs', () => {
    const base = { a: { b: [1, 2] }, c: 1 };
    const overlay = { a: { d: 1 }, c: null };
    const before = JSON.stringify([base, overlay]);
    const result = mergeOverlay(base, overlay) as { a: { b: number[] } };
    result.a.b.push(3);
    assert.equal(JSON.stringify([base, overlay]), before);
  });
});
