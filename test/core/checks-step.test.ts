import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Memo } from '../../src/core/memo.ts';
import type { CanaryStrategy, CheckSpec, NoDataPolicy, ReleaseSpec, Strategy } from '../../src/core/spec.ts';
import type { CheckResult } from '../../src/core/types.ts';
import { Driver } from '../support/driver.ts';
import { ANALYSIS, releaseSpec, STRATEGIES } from '../support/specs.ts';

const LATENCY: CheckSpec = {
  kind: 'prometheus',
  name: 'p99-latency-seconds',
  query: 'histogram_quantile(0.99, sum by (le) (rate(x_bucket{slipway_dev_release="{{revision}}"}[1m])))',
  max: 0.3,
  address: 'http://127.0.0.1:9090',
  addressFrom: 'default',
};
const CANARY: CanaryStrategy = {
  kind: 'canary',
  continuousAnalysis: false,
  steps: [
    { kind: 'weight', weight: 10 },
    { kind: 'pause', durationMs: 20_000 },
    { kind: 'analysis', maxDurationMs: 60_000 },
    { kind: 'weight', weight: 50 },
  ],
};

function driver(
  values: (now: number) => number | undefined,
  opts: { strategy?: Strategy; noData?: NoDataPolicy; checks?: CheckSpec[] } = {},
) {
  const analysis = { ...ANALYSIS, checks: opts.checks ?? [LATENCY], noData: opts.noData ?? 'inconclusive' };
  const spec: ReleaseSpec = releaseSpec(opts.strategy ?? CANARY, 2, { analysis });
  const dr = new Driver(spec, 1);
  const reads: number[] = [];
  dr.readChecks = (now) => {
    reads.push(now);
    return (opts.checks ?? [LATENCY]).map((c): CheckResult => {
      const value = values(now);
      return value === undefined ? { name: c.name } : { name: c.name, value };
    });
  };
  return { dr, reads };
}
const finished = (d: { phase: string }) => d.phase === 'promoted' || d.phase === 'rolled-back';

describe('custom checks in the release decision (pure step, virtual time)', () => {
  it('a check breaching on 2 consecutive reads rolls the canary back with a reason naming it', () => {
    const { dr, reads } = driver(() => 0.52);
    const d = dr.runUntil(finished);
    assert.equal(d.phase, 'rolled-back');
    assert.match(d.reason, /query p99-latency-seconds = 0\.52 > max 0\.3 on 2 consecutive reads/);
    assert.equal(reads.length, 2, 'decided on the second read');
    assert.equal(dr.world.weights['2'] ?? 0, 0, 'all traffic back on stable');
  });

  it('one noisy read is tolerated: the canary goes on and is promoted', () => {
    let first: number | undefined;
    const { dr } = driver((now) => {
      first ??= now;
      return now === first ? 0.9 : 0.1;
    });
    const d = dr.runUntil(finished);
    assert.equal(d.phase, 'promoted');
    const passed = dr.decisions.find((x) => x.reason.includes('analysis passed'));
    assert.match(passed?.reason ?? '', /query p99-latency-seconds = 0\.1 within max 0\.3/);
  });

  it('reads only while the candidate is under analysis, once per analysis interval', () => {
    const { dr, reads } = driver(() => 0.1);
    const analysingAt: number[] = [];
    let passedAt = 0;
    dr.runUntil((d) => {
      if (d.phase === 'analysing') analysingAt.push(dr.now);
      if (d.reason.includes('analysis passed')) passedAt = dr.now;
      return finished(d);
    });
    // 10%, a 20 s pause, then the analysis step: the first read comes one interval after it starts.
    const first = analysingAt[0] as number;
    assert.ok(reads.length > 1 && passedAt > first);
    assert.equal(reads[0], first + 1000);
    assert.equal(reads.at(-1), passedAt, 'the last read is the one the step passed on');
    for (let i = 1; i < reads.length; i++)
      assert.equal((reads[i] as number) - (reads[i - 1] as number), 1000);
  });

  it('noData inconclusive: a check with no data blocks the pass; the step ends inconclusive at maxDuration', () => {
    const { dr } = driver(() => undefined);
    const d = dr.runUntil(finished);
    assert.equal(d.phase, 'rolled-back');
    assert.match(d.reason, /analysis inconclusive after 60000 ms/);
    assert.ok(d.verdict?.reasons.some((r) => /no data; cannot pass without it/.test(r)));
  });

  it('noData fail: data that stops for two reads rolls back; noData pass: the check is ignored', () => {
    let first: number | undefined;
    const stops = driver(
      (now) => {
        first ??= now;
        return now === first ? 0.1 : undefined;
      },
      { noData: 'fail' },
    );
    const failed = stops.dr.runUntil(finished);
    assert.equal(failed.phase, 'rolled-back');
    assert.match(failed.reason, /query p99-latency-seconds: no data on 2 consecutive reads/);
    assert.equal(stops.reads.length, 3);
    const never = driver(() => undefined, { noData: 'fail' }).dr.runUntil(finished);
    assert.match(
      never.reason,
      /analysis inconclusive after 60000 ms/,
      'never any data: no pass, rollback at maxDuration',
    );
    assert.equal(driver(() => undefined, { noData: 'pass' }).dr.runUntil(finished).phase, 'promoted');
  });

  it('blue-green pre-promotion analysis: an HTTP check answering 500 stops the cutover', () => {
    const health: CheckSpec = {
      kind: 'http',
      name: 'healthz',
      url: 'http://preview/healthz',
      method: 'GET',
      expectStatus: 200,
      timeoutMs: 1000,
    };
    const { dr } = driver(() => 500, { strategy: STRATEGIES['blue-green'], checks: [health] });
    const d = dr.runUntil(finished);
    assert.equal(d.phase, 'rolled-back');
    assert.match(d.reason, /pre-promotion analysis failed: query healthz: status 500, expected 200 on 2/);
    assert.equal(dr.world.weights['2'] ?? 0, 0, 'no user ever reached the candidate');
  });

  it('the bad streak lives in the saved memo (a resumed engine keeps it)', () => {
    const { dr, reads } = driver(() => 0.52);
    dr.runUntil(() => reads.length === 1);
    const memo = dr.progress as Memo;
    assert.equal(memo.analysis.checks?.['p99-latency-seconds']?.bad, 1);
    assert.equal(memo.analysis.wantsChecks, true);
  });
});
