import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createRandom } from '../../../bench/analysis/random.ts';
import {
  logMixtureRatio,
  priorWithMean,
  rateInterval,
} from '../../../src/core/analysis/confidence-sequence.ts';

const UNIFORM = { a: 1, b: 1 };

describe('rateInterval: worked examples', () => {
  const cases: Array<{ name: string; k: number; n: number; alpha: number; lower: number; upper: number }> = [
    { name: 'no requests: nothing is known', k: 0, n: 0, alpha: 0.05, lower: 0, upper: 1 },
    // 1 / (100 (1 - p)^99) = 20  ⇔  p = 1 - 2000^(-1/99)
    { name: 'no failure in 99 requests', k: 0, n: 99, alpha: 0.05, lower: 0, upper: 1 - 2000 ** (-1 / 99) },
    // 1 / (100 p^99) = 20  ⇔  p = 2000^(-1/99), the mirror image
    {
      name: 'every one of 99 requests failed',
      k: 99,
      n: 99,
      alpha: 0.05,
      lower: 2000 ** (-1 / 99),
      upper: 1,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { lower, upper } = rateInterval(c.k, c.n, c.alpha, UNIFORM);
      assert.ok(Math.abs(lower - c.lower) < 1e-12, `lower ${lower} vs ${c.lower}`);
      assert.ok(Math.abs(upper - c.upper) < 1e-12, `upper ${upper} vs ${c.upper}`);
    });
  }

  it('logMixtureRatio matches the closed form of its doc comment', () => {
    assert.ok(
      Math.abs(logMixtureRatio(0, 99, 0.05, UNIFORM) - (-Math.log(100) - 99 * Math.log(0.95))) < 1e-12,
    );
  });

  it('priorWithMean centres the mixture on the threshold and rejects impossible means', () => {
    assert.deepEqual(priorWithMean(0.5), { a: 1, b: 1 });
    assert.ok(Math.abs(priorWithMean(0.01).b - 99) < 1e-9);
    for (const bad of [0, 1, -0.1, Number.NaN])
      assert.throws(() => priorWithMean(bad), /strictly between 0 and 1/);
  });
});

describe('rateInterval: properties', () => {
  const input = fc
    .record({ n: fc.integer({ min: 1, max: 1_000_000 }), frac: fc.double({ min: 0, max: 1, noNaN: true }) })
    .map(({ n, frac }) => ({ n, k: Math.round(frac * n) }));
  const alpha = fc.double({ min: 1e-6, max: 0.5, noNaN: true });
  const mean = fc.double({ min: 1e-4, max: 0.9, noNaN: true });

  it('is an interval inside [0, 1] that contains the observed rate', () => {
    fc.assert(
      fc.property(input, alpha, mean, ({ k, n }, a, m) => {
        const { lower, upper } = rateInterval(k, n, a, priorWithMean(m));
        return 0 <= lower && lower <= k / n && k / n <= upper && upper <= 1;
      }),
      { seed: 7, numRuns: 500 },
    );
  });

  it('widens as alpha shrinks (more confidence costs width)', () => {
    fc.assert(
      fc.property(input, alpha, mean, ({ k, n }, a, m) => {
        const wide = rateInterval(k, n, a / 10, priorWithMean(m));
        const narrow = rateInterval(k, n, a, priorWithMean(m));
        return wide.lower <= narrow.lower + 1e-12 && wide.upper >= narrow.upper - 1e-12;
      }),
      { seed: 8, numRuns: 300 },
    );
  });

  it('moves up when more of the same requests failed', () => {
    fc.assert(
      fc.property(input, alpha, ({ k, n }, a) => {
        fc.pre(k < n);
        const prior = priorWithMean(0.01);
        const before = rateInterval(k, n, a, prior);
        const after = rateInterval(k + 1, n, a, prior);
        return after.lower >= before.lower - 1e-12 && after.upper >= before.upper - 1e-12;
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});

describe('rateInterval: anytime coverage (seeded simulation)', () => {
  it('misses the true rate at any of 80 looks in at most alpha of 400 runs', () => {
    const alpha = 0.1;
    const random = createRandom(2024);
    const prior = priorWithMean(0.01);
    let missed = 0;
    for (let run = 0; run < 400; run++) {
      const p = 0.002 + 0.03 * random();
      let k = 0;
      for (let n = 1; n <= 2000; n++) {
        if (random() < p) k++;
        if (n % 25 !== 0) continue; // look every 25 requests: 80 looks per run
        const { lower, upper } = rateInterval(k, n, alpha, prior);
        if (p < lower || p > upper) {
          missed++;
          break;
        }
      }
    }
    assert.ok(missed <= alpha * 400, `${missed} of 400 runs lost the true rate (allowed ${alpha * 400})`);
  });
});
