/**
 * Hangs and crashes are evidence at once (issue 13, item 8), replayed from the probe: every
 * candidate request hangs at 10 % weight under 50 req/s, and an instance crashes 5 s after start.
 * Both are rolled back long before the upstream timeout or the crash-loop rule would have acted, and
 * users see no failed request (hung GETs are hedged to stable, the crash's GETs retried there).
 * The times are printed (t.diagnostic) and asserted only loosely; bench/faults reports them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthyBaseline } from './support/faults.ts';
import { watchCandidate } from './support/split.ts';

const CANARY_10 = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 10
      - pause: { duration: 40s }`;

test('a hanging candidate and a crashing one are rolled back at once, users see no error', {
  timeout: 400_000,
}, async (t) => {
  const bench = await healthyBaseline(
    t,
    {
      analysis:
        '{ maxErrorRate: 0.02, latency: { maxMs: 500 }, failureBudget: 20, minSample: 30, alpha: 0.01, noData: inconclusive }',
    },
    50,
  );
  const cases: [string, Record<string, string>, RegExp, number][] = [
    ['every candidate request hangs', { HANG_RATE: '1' }, /failed|slow/, 2],
    [
      'an instance crashes 5 s after start',
      { CRASH_AFTER_S: '5' },
      /instance 0 died while serving: exited with code 1 after running/,
      3,
    ],
  ];
  for (const [name, env, reason, release] of cases) {
    const before = bench.load.counts();
    await bench.ws.write({ ...bench.base, strategy: CANARY_10, env: { APP_VERSION: 'bad', ...env } });
    const run = bench.ws.run(['deploy', '--env', 'development'], { timeoutMs: 120_000 });
    const window = await watchCandidate(bench.ws.stateDir, 'development', release, run);
    const result = await run;
    const traffic = window.on !== undefined && window.off !== undefined ? window.off - window.on : NaN;
    t.diagnostic(`${name}: candidate had traffic for ${Math.round(traffic)} ms; exit ${result.code}`);
    assert.equal(result.code, 1, `${name}: rolled back\n${result.stdout}${result.stderr}`);
    const last = (await bench.ws.history()).at(-1)!;
    assert.equal(last.release, release);
    assert.equal(last.outcome, 'rolled-back', name);
    assert.match(last.reasons.join('\n'), reason, `${name}: ${last.reasons.join(' / ')}`);
    // The old ways took 31.7 s (upstream timeout) and 22.5 s (crash loop) from traffic to rollback.
    assert.ok(traffic < 10_000, `${name}: ${traffic} ms of candidate traffic`);
    const seen = bench.load.counts();
    assert.equal(seen.errors - before.errors, 0, `${name}: users saw ${seen.samples.join('; ')}`);
  }
});
