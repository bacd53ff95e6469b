import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addCounts, countsDelta } from '../../../src/core/analysis/counts.ts';
import { boundedExp, eValue, percent } from '../../../src/core/analysis/format.ts';

const c = (requests: number, errors: number, slow: number) => ({ requests, errors, slow });

describe('countsDelta', () => {
  const cases = [
    { name: 'growth is the difference', before: c(100, 2, 0), after: c(150, 3, 1), delta: c(50, 1, 1) },
    { name: 'no change is zero', before: c(100, 2, 0), after: c(100, 2, 0), delta: c(0, 0, 0) },
    { name: 'a reset counts from zero again', before: c(100, 2, 0), after: c(30, 0, 0), delta: c(30, 0, 0) },
    {
      name: 'one counter going down is a reset of all',
      before: c(100, 2, 5),
      after: c(120, 3, 1),
      delta: c(120, 3, 1),
    },
  ];
  for (const t of cases) it(t.name, () => assert.deepEqual(countsDelta(t.before, t.after), t.delta));
  it('addCounts adds field by field', () =>
    assert.deepEqual(addCounts(c(1, 2, 3), c(10, 20, 30)), c(11, 22, 33)));
});

describe('verdict number formatting', () => {
  const cases: Array<[string, string, string]> = [
    ['percent of a plain rate', percent(0.0123), '1.23%'],
    ['percent just below a round threshold stays below it', percent(0.0099976), '0.9998%'],
    ['percent of a tiny rate keeps its digits', percent(0.0000123), '0.00123%'],
    ['percent of zero', percent(0), '0%'],
    ['large e-values in exponent form', eValue(1234567), '1.23e+6'],
    ['ordinary e-values with three digits', eValue(42.42), '42.4'],
    ['tiny e-values in exponent form', eValue(0.0000123), '1.23e-5'],
  ];
  for (const [name, actual, expected] of cases) it(name, () => assert.equal(actual, expected));
  it('boundedExp never returns Infinity', () => assert.equal(boundedExp(1e6), Number.MAX_VALUE));
});
