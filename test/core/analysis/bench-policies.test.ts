// The benchmark's baselines must behave as docs/analysis.md says, or its ratios mean nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argoLikePolicy, flaggerLikePolicy, slipwayPolicy } from '../../../bench/analysis/policies.ts';
import { simulateRelease } from '../../../bench/analysis/simulate.ts';

const c = (requests: number, errors: number) => ({ requests, errors, slow: 0 });
const flagger = () =>
  flaggerLikePolicy({ intervalS: 60, minSuccessRate: 0.99, threshold: 1, checks: 3 }).start();
const argo = () => argoLikePolicy({ pauseS: 60, minSuccessRate: 0.95 }).start();

describe('Flagger-like baseline', () => {
  it('checks only at interval boundaries, on the last interval alone', () => {
    const run = flagger();
    assert.equal(run.tick(59, c(0, 0), c(590, 590)), undefined, 'no check before 60 s');
    assert.equal(run.tick(60, c(0, 0), c(600, 0)), undefined, 'a clean first minute passes');
    // Second minute: 7 failures in 600 requests = 98.8% < 99%.
    assert.deepEqual(run.tick(120, c(0, 0), c(1200, 7)), { kind: 'rollback', at: 120 });
  });

  it('promotes after the configured number of passing checks', () => {
    const run = flagger();
    for (const s of [60, 120]) assert.equal(run.tick(s, c(0, 0), c(s * 10, 0)), undefined);
    assert.deepEqual(
      run.tick(180, c(0, 0), c(1800, 6)),
      { kind: 'promote', at: 180 },
      '6 of 600 is exactly 99%',
    );
  });
});

describe('Argo-Rollouts-like baseline', () => {
  it('decides once, at the end of the pause, on the whole pause', () => {
    assert.equal(argo().tick(59, c(0, 0), c(590, 590)), undefined);
    assert.deepEqual(argo().tick(60, c(0, 0), c(600, 30)), { kind: 'promote', at: 60 }, '95% passes');
    assert.deepEqual(argo().tick(60, c(0, 0), c(600, 31)), { kind: 'rollback', at: 60 });
  });
});

describe('simulateRelease', () => {
  const policies = [
    slipwayPolicy({
      maxErrorRate: 0.01,
      failureBudget: 50,
      minSample: 500,
      alpha: 0.01,
      noData: 'inconclusive',
    }),
    flaggerLikePolicy({ intervalS: 60, minSuccessRate: 0.99, threshold: 1, checks: 10 }),
    argoLikePolicy({ pauseS: 60, minSuccessRate: 0.95 }),
  ];
  const traffic = { requestsPerSecond: 100, candidateWeight: 0.1, horizonS: 600 };

  it('is reproducible from its seed', () => {
    const scenario = { stableErrorRate: 0.001, candidateErrorRate: 0.05 };
    assert.deepEqual(
      simulateRelease(scenario, traffic, policies, 42),
      simulateRelease(scenario, traffic, policies, 42),
    );
  });

  it('records each decision with the candidate counts at that second', () => {
    const [ours, flag, argoResult] = simulateRelease(
      { stableErrorRate: 0, candidateErrorRate: 1 },
      traffic,
      policies,
      7,
    );
    assert.equal(ours!.outcome?.kind, 'rollback');
    assert.equal(ours!.candidateErrors, ours!.candidateRequests, 'every candidate request failed');
    assert.deepEqual(flag!.outcome, { kind: 'rollback', at: 60 });
    assert.deepEqual(argoResult!.outcome, { kind: 'rollback', at: 60 });
    assert.ok(
      flag!.candidateErrors > 400 && flag!.candidateErrors < 800,
      `${flag!.candidateErrors} failed in 60 s at ~10/s`,
    );
  });
});
