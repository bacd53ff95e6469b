import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { binomial, createRandom } from '../../../bench/analysis/random.ts';
import {
  type Batch,
  initialRelativeTest,
  RATE_RATIOS,
  type RelativeTestState,
  relativeLogE,
  updateRelativeTest,
} from '../../../src/core/analysis/relative-test.ts';

const batch = (
  candidateRequests: number,
  stableRequests: number,
  candidateBad: number,
  stableBad: number,
): Batch => ({
  candidateRequests,
  stableRequests,
  candidateBad,
  stableBad,
});

const fold = (batches: Batch[]): RelativeTestState =>
  batches.reduce(updateRelativeTest, initialRelativeTest());

describe('relative test: worked examples', () => {
  it('starts at E = 1', () => assert.equal(relativeLogE(initialRelativeTest()), 0));

  it('one candidate event at p0 = 0.1 multiplies each θ by θ / (1 + (θ - 1) 0.1)', () => {
    const state = fold([batch(10, 90, 1, 0)]);
    RATE_RATIOS.forEach((theta, i) => {
      assert.ok(Math.abs(state.logRatios[i]! - Math.log(theta / (1 + (theta - 1) * 0.1))) < 1e-12);
    });
    assert.ok(Math.abs(Math.exp(state.logRatios.at(-1)!) - 1024 / 103.3) < 1e-9, 'θ = 1024 gives about 9.91');
  });

  it('one stable event divides each θ by 1 + (θ - 1) p0: evidence for "no worse"', () => {
    const state = fold([batch(10, 90, 0, 1)]);
    assert.ok(relativeLogE(state) < 0);
    assert.equal(state.k, 0);
    assert.equal(state.m, 1);
  });

  it('batches without bad events or without requests change nothing but the share', () => {
    const before = fold([batch(10, 90, 2, 1)]);
    const after = [batch(30, 70, 0, 0), batch(0, 0, 0, 0)].reduce(updateRelativeTest, before);
    assert.deepEqual(after.logRatios, before.logRatios);
    assert.equal(after.lastShare, 0.3);
  });

  it('with all traffic on the candidate there is nothing to compare: E stays 1', () => {
    assert.equal(relativeLogE(fold([batch(100, 0, 7, 0)])), 0);
  });

  it('keeps the largest e-value seen, so a crossing is never forgotten', () => {
    const state = fold([batch(10, 90, 5, 0), ...Array.from({ length: 200 }, () => batch(10, 90, 0, 1))]);
    assert.ok(relativeLogE(state) < 0);
    assert.ok(state.maxLogE > 10);
  });
});

describe('relative test: properties', () => {
  const batchArb = fc
    .record({
      c: fc.integer({ min: 0, max: 500 }),
      s: fc.integer({ min: 0, max: 500 }),
      kf: fc.double({ min: 0, max: 1, noNaN: true }),
      sf: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ c, s, kf, sf }) => batch(c, s, Math.floor(kf * c), Math.floor(sf * s)));

  it('looking more often at a steady split does not change the evidence', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (c, s, k, j) => {
          const once = fold([batch(2 * c, 2 * s, 2 * k, 2 * j)]);
          const twice = fold([batch(c, s, k, j), batch(c, s, k, j)]);
          return Math.abs(relativeLogE(once) - relativeLogE(twice)) < 1e-9;
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });

  it('one more candidate event (one fewer on stable) never lowers E', () => {
    fc.assert(
      fc.property(
        fc.array(batchArb, { maxLength: 10 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 5 }),
        (history, c, s, k) => {
          const base = fold(history);
          const moreOnCandidate = updateRelativeTest(base, batch(c, s, k + 1, 0));
          const moreOnStable = updateRelativeTest(base, batch(c, s, k, 1));
          return relativeLogE(moreOnCandidate) >= relativeLogE(moreOnStable);
        },
      ),
      { seed: 12, numRuns: 300 },
    );
  });

  it('survives JSON: the state is plain finite numbers', () => {
    fc.assert(
      fc.property(fc.array(batchArb, { maxLength: 30 }), (batches) => {
        const state = fold(batches);
        return (
          JSON.stringify(JSON.parse(JSON.stringify(state))) === JSON.stringify(state) &&
          state.logRatios.every(Number.isFinite)
        );
      }),
      { seed: 13, numRuns: 200 },
    );
  });
});

describe("relative test: Ville's inequality under moving traffic shares (seeded simulation)", () => {
  /** Fraction of runs whose e-value ever reaches 1/alpha when the candidate is `ratio` times as bad. */
  function rejectionRate(ratio: number, runs: number, alpha: number): number {
    const random = createRandom(31 + ratio);
    let rejected = 0;
    for (let run = 0; run < runs; run++) {
      const stableRate = 0.005 + 0.05 * random();
      let state = initialRelativeTest();
      for (let look = 0; look < 300; look++) {
        const share = [0.01, 0.05, 0.1, 0.25, 0.5, 0.9][look % 6]!; // the canary's weight keeps moving
        const c = binomial(random, 100, share);
        state = updateRelativeTest(
          state,
          batch(
            c,
            100 - c,
            binomial(random, c, Math.min(1, stableRate * ratio)),
            binomial(random, 100 - c, stableRate),
          ),
        );
        if (state.maxLogE >= Math.log(1 / alpha)) {
          rejected++;
          break;
        }
      }
    }
    return rejected / runs;
  }

  it('rolls back a candidate as good as stable in at most alpha of runs', () => {
    const rate = rejectionRate(1, 500, 0.05);
    assert.ok(rate <= 0.05, `false rejection rate ${rate}`);
  });

  it('rolls back a candidate better than stable even less often', () => {
    assert.ok(rejectionRate(0.5, 300, 0.05) <= 0.01);
  });

  it('catches a candidate three times as bad in nearly every run', () => {
    assert.ok(rejectionRate(3, 200, 0.05) >= 0.95);
  });
});
