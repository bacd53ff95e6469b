/**
 * Bad releases that answer badly (5xx, slow, or not at all) under GET load: each is rolled back
 * (exit 1) with its reason, stable keeps serving, and users see no failed request.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployBad, healthyBaseline } from './support/faults.ts';

test('5xx, latency and hang faults are rolled back with their reasons', { timeout: 420_000 }, async (t) => {
  const bench = await healthyBaseline(t, {
    analysis:
      '{ maxErrorRate: 0.02, latency: { maxMs: 150 }, failureBudget: 20, minSample: 30, alpha: 0.01, noData: inconclusive }',
  });
  const cases: [string, Record<string, string>, RegExp, string?][] = [
    ['100% 5xx', { FAIL_RATE: '1' }, /failed/],
    ['30% 5xx', { FAIL_RATE: '0.3' }, /failed/],
    ['latency spike', { LATENCY_MS: '400' }, /slow/],
    // Hung requests fail only when the proxy's upstream timeout (10 s) ends them: hold the canary longer.
    [
      'hang',
      { HANG_RATE: '0.5' },
      /failed/,
      `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 20
      - pause: { duration: 25s }`,
    ],
  ];
  for (const [name, env, reason, strategy] of cases) {
    const before = bench.load.counts();
    const started = Date.now();
    const bad = await deployBad(bench, env, strategy ? { strategy } : {});
    t.diagnostic(`${name}: exit ${bad.run.code} after ${Date.now() - started} ms`);
    assert.equal(bad.run.code, 1, `${name}: exit 1 (rolled back)\n${bad.run.stdout}${bad.run.stderr}`);
    assert.match(bad.run.stdout, /rolled back/, name);
    assert.equal(bad.last.outcome, 'rolled-back', name);
    assert.match(bad.last.reasons.join('\n'), reason, `${name}: the reason says why`);
    assert.equal(bad.serving, 1, `${name}: release 1 still serves`);
    const seen = bench.load.counts();
    if (name !== 'hang')
      assert.equal(seen.errors - before.errors, 0, `${name}: users saw ${seen.samples.join('; ')}`);
  }
});
