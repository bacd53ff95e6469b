import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { binomial, createRandom } from '../../../bench/analysis/random.ts';
import { type JudgeState, judge } from '../../../src/core/analysis/judge.ts';
import type { AnalysisSpec } from '../../../src/core/spec.ts';
import type { RevisionCounts, VerdictKind } from '../../../src/core/types.ts';

const SPEC: AnalysisSpec = {
  maxErrorRate: 0.01,
  failureBudget: 1000,
  minSample: 500,
  alpha: 0.05,
  noData: 'inconclusive',
};
const SEVERITY: Record<VerdictKind, number> = { pass: 0, inconclusive: 1, fail: 2 };

/** Cumulative counts look by look, from per-look increments. */
function cumulative(
  steps: Array<{ s: RevisionCounts; c: RevisionCounts }>,
): Array<[RevisionCounts, RevisionCounts]> {
  const s = { requests: 0, errors: 0, slow: 0 };
  const c = { requests: 0, errors: 0, slow: 0 };
  return steps.map((step) => {
    for (const f of ['requests', 'errors', 'slow'] as const) {
      s[f] += step.s[f];
      c[f] += step.c[f];
    }
    return [{ ...s }, { ...c }];
  });
}

const countsArb = (maxRequests: number) =>
  fc
    .record({
      requests: fc.integer({ min: 0, max: maxRequests }),
      e: fc.double({ min: 0, max: 1, noNaN: true }),
      sl: fc.double({ min: 0, max: 1, noNaN: true }),
    })
    .map(({ requests, e, sl }) => ({
      requests,
      errors: Math.floor(e * e * requests),
      slow: Math.floor(sl * sl * requests),
    }));
const stepsArb = fc.array(fc.record({ s: countsArb(1000), c: countsArb(200) }), {
  minLength: 1,
  maxLength: 40,
});
const specArb = fc.record({
  maxErrorRate: fc.double({ min: 0.001, max: 0.3, noNaN: true }),
  failureBudget: fc.integer({ min: 1, max: 500 }),
  minSample: fc.integer({ min: 0, max: 2000 }),
  alpha: fc.double({ min: 1e-4, max: 0.2, noNaN: true }),
  noData: fc.constantFrom('fail' as const, 'pass' as const, 'inconclusive' as const),
  maxLatencyMs: fc.option(fc.constant(250), { nil: undefined }),
  maxSlowRate: fc.option(fc.double({ min: 0.001, max: 0.3, noNaN: true }), { nil: undefined }),
});

describe('judge: properties', () => {
  it('the state round-trips through JSON without changing any verdict', () => {
    fc.assert(
      fc.property(specArb, stepsArb, (spec, steps) => {
        let direct: JudgeState | undefined;
        let persisted: string | undefined;
        for (const [s, c] of cumulative(steps)) {
          const a = judge(spec, direct, s, c);
          const b = judge(spec, persisted === undefined ? undefined : JSON.parse(persisted), s, c);
          assert.deepEqual(b, a);
          direct = a.state;
          persisted = JSON.stringify(b.state);
        }
      }),
      { seed: 21, numRuns: 150 },
    );
  });

  it('one more failed candidate request never gives a better verdict or less evidence', () => {
    fc.assert(
      fc.property(specArb, stepsArb, (spec, steps) => {
        const series = cumulative(steps);
        const [lastS, lastC] = series.at(-1)!;
        fc.pre(lastC.errors < lastC.requests);
        let state: JudgeState | undefined;
        for (const [s, c] of series.slice(0, -1)) state = judge(spec, state, s, c).state;
        const base = judge(spec, state, lastS, lastC).verdict;
        const worse = judge(spec, state, lastS, { ...lastC, errors: lastC.errors + 1 }).verdict;
        assert.ok(SEVERITY[worse.kind] >= SEVERITY[base.kind], `${base.kind} became ${worse.kind}`);
        assert.ok(worse.evidence.errorsEValue! >= base.evidence.errorsEValue!);
        assert.ok(worse.evidence.errorsLower! >= base.evidence.errorsLower! - 1e-12);
        assert.ok(worse.evidence.errorsUpper! >= base.evidence.errorsUpper! - 1e-12);
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  it('never passes below the minimum sample, and never fails before any bad event without a no-data policy', () => {
    fc.assert(
      fc.property(specArb, stepsArb, (spec, steps) => {
        let state: JudgeState | undefined;
        for (const [s, c] of cumulative(steps)) {
          const { verdict, state: next } = judge(spec, state, s, c);
          state = next;
          if (verdict.kind === 'pass') assert.ok(c.requests >= spec.minSample);
          if (verdict.kind === 'fail')
            assert.ok(c.errors > 0 || (spec.maxLatencyMs !== undefined && c.slow > 0));
          assert.ok(
            verdict.reasons.length > 0 && verdict.reasons.every((r) => /\d/.test(r)),
            'reasons carry numbers',
          );
        }
      }),
      { seed: 23, numRuns: 200 },
    );
  });
});

describe('judge: identical healthy distributions almost never fail (seeded simulation)', () => {
  it('fails at most alpha of 400 releases whose candidate matches stable, however the weight moves', () => {
    let failed = 0;
    let passed = 0;
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: SPEC.maxErrorRate, noNaN: true }),
        fc.array(fc.constantFrom(0.01, 0.05, 0.1, 0.2, 0.5), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (errorRate, weights, seed) => {
          const random = createRandom(seed);
          const s = { requests: 0, errors: 0, slow: 0 };
          const c = { requests: 0, errors: 0, slow: 0 };
          let state: JudgeState | undefined;
          for (let second = 0; second < 600; second++) {
            const toCandidate = binomial(random, 100, weights[Math.floor(second / 60) % weights.length]!);
            c.requests += toCandidate;
            c.errors += binomial(random, toCandidate, errorRate);
            s.requests += 100 - toCandidate;
            s.errors += binomial(random, 100 - toCandidate, errorRate);
            const { verdict, state: next } = judge(SPEC, state, { ...s }, { ...c });
            state = next;
            if (verdict.kind === 'fail') failed++;
            if (verdict.kind === 'pass') passed++;
            if (verdict.kind !== 'inconclusive') return;
          }
        },
      ),
      { seed: 24, numRuns: 400 },
    );
    assert.ok(failed <= SPEC.alpha * 400, `${failed} false rollbacks in 400 releases`);
    assert.ok(passed >= 300, `only ${passed} of 400 healthy releases passed within 10 minutes`);
  });
});
