import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JudgeOptions, type JudgeState, judge } from '../../../src/core/analysis/judge.ts';
import type { AnalysisSpec } from '../../../src/core/spec.ts';
import type { RevisionCounts, VerdictKind } from '../../../src/core/types.ts';

const SPEC: AnalysisSpec = {
  maxErrorRate: 0.01,
  failureBudget: 50,
  minSample: 500,
  alpha: 0.01,
  noData: 'inconclusive',
};

const counts = (requests: number, errors = 0, slow = 0): RevisionCounts => ({ requests, errors, slow });

/** One look after another, each with cumulative counts, the state handed from call to call. */
function looks(
  spec: AnalysisSpec,
  series: Array<[RevisionCounts, RevisionCounts]>,
  options: JudgeOptions = {},
) {
  let state: JudgeState | undefined;
  let last: ReturnType<typeof judge> | undefined;
  for (const [stable, candidate] of series) {
    last = judge(spec, state, stable, candidate, options);
    state = last.state;
  }
  return last!;
}

/** `seconds` looks at `rps` requests per second, the candidate taking `share` of them. */
function steady(
  seconds: number,
  opts: {
    rps?: number;
    share?: number;
    stableErrorsPerS?: number;
    candidateErrorsPerS?: number;
    candidateSlowPerS?: number;
    stableSlowPerS?: number;
  },
): Array<[RevisionCounts, RevisionCounts]> {
  const rps = opts.rps ?? 100;
  const share = opts.share ?? 0.1;
  const series: Array<[RevisionCounts, RevisionCounts]> = [];
  for (let t = 1; t <= seconds; t++) {
    series.push([
      counts(
        Math.round(rps * (1 - share) * t),
        Math.floor((opts.stableErrorsPerS ?? 0) * t),
        Math.floor((opts.stableSlowPerS ?? 0) * t),
      ),
      counts(
        Math.round(rps * share * t),
        Math.floor((opts.candidateErrorsPerS ?? 0) * t),
        Math.floor((opts.candidateSlowPerS ?? 0) * t),
      ),
    ]);
  }
  return series;
}

interface Case {
  name: string;
  spec?: Partial<AnalysisSpec>;
  series: Array<[RevisionCounts, RevisionCounts]>;
  options?: JudgeOptions;
  kind: VerdictKind;
  /** Every listed fragment must appear in one of the reasons. */
  reasons: RegExp[];
}

const cases: Case[] = [
  {
    name: 'a candidate failing every request fails within the first second',
    series: [[counts(90), counts(10, 10)]],
    kind: 'fail',
    reasons: [
      /10 of 10 failed requests were on the candidate while it served 10% of traffic/,
      /at least 2\.\d+% with confidence, maximum 1%/,
    ],
  },
  {
    name: 'the failure budget is a hard stop even when the statistics are unsure',
    spec: { failureBudget: 3, alpha: 1e-9 },
    series: [[counts(900, 0), counts(100, 3)]],
    kind: 'fail',
    reasons: [/failure budget spent: the candidate failed 3 requests, budget 3/],
  },
  {
    name: 'the absolute guard fails a candidate above its maximum when stable is just as bad',
    series: steady(60, { stableErrorsPerS: 4.5, candidateErrorsPerS: 0.5 }),
    spec: { failureBudget: 1000 },
    kind: 'fail',
    reasons: [/failed-request rate is above its maximum: 30 of 600 \(5%\)/],
  },
  {
    name: 'a 5% candidate against a 0.1% stable is caught by the relative test',
    series: steady(20, { stableErrorsPerS: 0.09, candidateErrorsPerS: 0.5 }),
    kind: 'fail',
    reasons: [/candidate is worse than stable: 10 of 11 failed requests/],
  },
  {
    name: 'slow requests are compared with stable when a latency bound is set',
    spec: { maxLatencyMs: 300 },
    series: steady(10, { candidateSlowPerS: 3, stableSlowPerS: 1 }),
    kind: 'fail',
    reasons: [/30 of 40 slow requests were on the candidate/],
  },
  {
    name: "slow requests are compared with stable when slow means 'above stable's p99'",
    spec: { latencyPercentile: 99 },
    series: steady(30, { candidateSlowPerS: 1, stableSlowPerS: 0.9 }),
    kind: 'fail',
    reasons: [/30 of 57 slow requests were on the candidate/],
  },
  {
    name: 'slow requests above maxSlowRate fail even when stable is as slow',
    spec: { maxLatencyMs: 300, maxSlowRate: 0.01 },
    series: steady(60, { candidateSlowPerS: 1, stableSlowPerS: 9 }),
    kind: 'fail',
    reasons: [/slow-request rate is above its maximum: 60 of 600 \(10%\)/],
  },
  {
    name: 'slow counts are ignored without a latency bound',
    series: steady(120, { candidateSlowPerS: 5 }),
    kind: 'pass',
    reasons: [/1200 candidate requests/],
  },
  {
    name: 'a healthy candidate passes once the sample shows its rate below the maximum',
    series: steady(120, { stableErrorsPerS: 0.09, candidateErrorsPerS: 0.01 }),
    kind: 'pass',
    reasons: [
      /1200 candidate requests \(minimum 500\)/,
      /1 failed candidate requests \(0\.08333%\), at most 0\.\d+% with confidence \(maximum 1%\)/,
    ],
  },
  {
    name: 'no failure yet is not a pass: the minimum sample comes first',
    spec: { minSample: 5000 },
    series: steady(120, {}),
    kind: 'inconclusive',
    reasons: [/minimum sample not reached: 1200 of 5000 candidate requests/],
  },
  {
    name: 'no failure yet is not a pass: the upper bound must be below the maximum',
    spec: { minSample: 10 },
    series: steady(5, {}),
    kind: 'inconclusive',
    reasons: [/rate not yet shown below 1%: 0 of 50, upper bound \d+(\.\d+)?%/],
  },
  {
    name: 'a candidate trending worse than stable is not passed',
    spec: { maxErrorRate: 0.2, minSample: 100 },
    series: steady(180, { stableErrorsPerS: 0.9, candidateErrorsPerS: 0.2 }),
    kind: 'inconclusive',
    reasons: [
      /candidate may be worse than stable: 36 of 198 failed requests on the candidate at 10% of traffic/,
    ],
  },
  {
    name: 'no candidate traffic before the deadline is inconclusive whatever the policy',
    spec: { noData: 'fail' },
    series: [[counts(1000), counts(0)]],
    kind: 'inconclusive',
    reasons: [/no candidate requests yet \(stable served 1000\)/],
  },
  {
    name: "no candidate traffic at the deadline with noData 'fail' fails",
    spec: { noData: 'fail' },
    series: [[counts(1000), counts(0)]],
    options: { deadlineReached: true },
    kind: 'fail',
    reasons: [/no-data policy is 'fail'/],
  },
  {
    name: "no candidate traffic at the deadline with noData 'pass' passes",
    spec: { noData: 'pass' },
    series: [[counts(0), counts(0)]],
    options: { deadlineReached: true },
    kind: 'pass',
    reasons: [
      /no candidate requests before the analysis deadline \(stable served 0\); no-data policy is 'pass'/,
    ],
  },
  {
    name: 'before the deadline, no traffic names the no-data field and the fix',
    spec: { noData: 'inconclusive' },
    series: [[counts(0), counts(0)]],
    kind: 'inconclusive',
    reasons: [
      /waiting for traffic: without any, analysis\.noData: inconclusive never passes it \(send it requests, or set analysis\.noData: pass/,
    ],
  },
  {
    name: "noDataDue (a canary's steps are done): no candidate traffic gets the policy at once",
    spec: { noData: 'pass' },
    series: [[counts(0), counts(0)]],
    options: { noDataDue: true },
    kind: 'pass',
    reasons: [/no-data policy is 'pass'/],
  },
  {
    name: 'noDataDue with some traffic: judged as before the deadline, no deadline wording',
    spec: { noData: 'pass' },
    series: steady(10, {}),
    options: { noDataDue: true },
    kind: 'inconclusive',
    reasons: [/^minimum sample not reached: 100 of 500/],
  },
  {
    name: 'at the deadline, too little evidence stays inconclusive and says so',
    spec: { noData: 'fail' },
    series: steady(10, {}),
    options: { deadlineReached: true },
    kind: 'inconclusive',
    reasons: [
      /analysis deadline reached without enough evidence after 100 candidate requests/,
      /minimum sample not reached: 100 of 500/,
    ],
  },
  {
    name: 'a first deploy (no stable) is judged on the absolute guard alone',
    series: steady(60, { share: 1, candidateErrorsPerS: 0.05 }),
    kind: 'pass',
    reasons: [/6000 candidate requests/],
  },
  {
    name: 'a counter reset does not forget the failures before it',
    spec: { failureBudget: 10, alpha: 1e-12, maxErrorRate: 0.5 },
    series: [
      [counts(900), counts(100, 6)],
      [counts(1800), counts(50, 4)], // candidate restarted: its counters began again
    ],
    kind: 'fail',
    reasons: [/failure budget spent: the candidate failed 10 requests, budget 10/],
  },
];

describe('judge: named cases', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { verdict } = looks({ ...SPEC, ...c.spec }, c.series, c.options);
      assert.equal(verdict.kind, c.kind, verdict.reasons.join('\n'));
      for (const pattern of c.reasons) {
        assert.ok(
          verdict.reasons.some((r) => pattern.test(r)),
          `no reason matches ${pattern}:\n${verdict.reasons.join('\n')}`,
        );
      }
    });
  }
});

describe('judge: evidence', () => {
  it('carries the e-value, p0, k, m, rates, bounds and request counts', () => {
    const { verdict } = looks(SPEC, steady(30, { stableErrorsPerS: 0.1, candidateErrorsPerS: 0.1 }));
    const e = verdict.evidence;
    assert.equal(e.candidateRequests, 300);
    assert.equal(e.stableRequests, 2700);
    assert.equal(e.errorsK, 3);
    assert.equal(e.errorsM, 6);
    assert.equal(e.errorsP0, 0.1);
    assert.equal(e.errorsCandidateRate, 0.01);
    assert.ok(e.errorsLower! > 0 && e.errorsLower! < 0.01 && e.errorsUpper! > 0.01);
    assert.ok(e.errorsEValue! > 1, 'three of six failures on 10% of the traffic leans towards a regression');
    assert.equal(e.errorsThreshold!.toFixed(6), (2 / SPEC.alpha).toFixed(6), 'alpha is split over two tests');
    assert.ok(Object.values(e).every(Number.isFinite), 'evidence stays valid JSON');
  });

  it('keeps the evidence finite when the e-value is astronomically large', () => {
    const { verdict } = looks({ ...SPEC, failureBudget: 1e9 }, [[counts(9e5), counts(1e5, 1e5)]]);
    assert.equal(verdict.kind, 'fail');
    assert.ok(Object.values(verdict.evidence).every(Number.isFinite));
  });
});

describe('judge: bad input', () => {
  const bad: Array<{ name: string; call: () => unknown; message: RegExp }> = [
    {
      name: 'negative counter',
      call: () => judge(SPEC, undefined, counts(10), counts(-1)),
      message: /candidate\.requests must be a whole number >= 0, got -1/,
    },
    {
      name: 'fractional counter',
      call: () => judge(SPEC, undefined, counts(10.5), counts(1)),
      message: /stable\.requests must be a whole number >= 0, got 10\.5/,
    },
    {
      name: 'more errors than requests',
      call: () => judge(SPEC, undefined, counts(10), counts(1, 2)),
      message: /candidate\.errors \(2\) exceeds candidate\.requests \(1\)/,
    },
    {
      name: 'alpha out of range',
      call: () => judge({ ...SPEC, alpha: 1 }, undefined, counts(1), counts(1)),
      message: /analysis\.alpha must be a number strictly between 0 and 1.*got 1/,
    },
    {
      name: 'zero maximum error rate',
      call: () => judge({ ...SPEC, maxErrorRate: 0 }, undefined, counts(1), counts(1)),
      message: /analysis\.maxErrorRate .* got 0/,
    },
    {
      name: 'zero failure budget',
      call: () => judge({ ...SPEC, failureBudget: 0 }, undefined, counts(1), counts(1)),
      message: /failureBudget must be at least 1 failed request, got 0/,
    },
    {
      name: 'state from another judge version',
      call: () => judge(SPEC, { version: 2 } as unknown as JudgeState, counts(1), counts(1)),
      message: /unknown judge state version 2; pass the state returned by this judge, or undefined/,
    },
  ];
  for (const c of bad)
    it(`rejects a ${c.name}`, () => assert.throws(c.call, { name: 'RangeError', message: c.message }));
});
