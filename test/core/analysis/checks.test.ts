import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ChecksMemo,
  checksVerdict,
  combineVerdicts,
  foldReading,
} from '../../../src/core/analysis/checks.ts';
import type { CheckSpec, NoDataPolicy } from '../../../src/core/spec.ts';
import type { CheckResult } from '../../../src/core/types.ts';

const LATENCY: CheckSpec = {
  kind: 'prometheus',
  name: 'p99-latency-seconds',
  query: 'histogram_quantile(0.99, …)',
  max: 0.3,
  address: 'http://127.0.0.1:9090',
  addressFrom: 'default',
};
const THROUGHPUT: CheckSpec = { ...LATENCY, name: 'throughput', max: undefined, min: 5 };
const HEALTH: CheckSpec = {
  kind: 'http',
  name: 'healthz',
  url: 'http://127.0.0.1:1/healthz',
  method: 'GET',
  expectStatus: 200,
  timeoutMs: 1000,
};

/** Folds reads taken 1 s apart, then judges with the step started at 0. */
function run(checks: CheckSpec[], reads: CheckResult[][], noData: NoDataPolicy = 'inconclusive') {
  let memo: ChecksMemo | undefined;
  reads.forEach((results, i) => {
    memo = foldReading(checks, noData, memo, { at: 1000 * (i + 1), results });
  });
  const m = memo ?? foldReading(checks, noData, undefined, undefined);
  return { memo: m, verdict: checksVerdict(checks, noData, m, 0) };
}
const latency = (value?: number, error?: string): CheckResult => ({
  name: 'p99-latency-seconds',
  ...(value === undefined ? {} : { value }),
  ...(error === undefined ? {} : { error }),
});

describe('custom checks: 2 consecutive bad reads fail, a pass needs every check in bounds', () => {
  it('one breaching read is tolerated: inconclusive, saying it fails on the next', () => {
    const { verdict } = run([LATENCY], [[latency(0.52)]]);
    assert.equal(verdict.kind, 'inconclusive');
    assert.deepEqual(verdict.reasons, [
      'query p99-latency-seconds = 0.52 > max 0.3 (1 read; fails on 2 consecutive)',
    ]);
    assert.equal(verdict.evidence['query.p99-latency-seconds'], 0.52);
  });

  it('two consecutive breaching reads fail, naming the query, the value and the threshold', () => {
    const { verdict } = run([LATENCY], [[latency(0.41)], [latency(0.52)]]);
    assert.equal(verdict.kind, 'fail');
    assert.deepEqual(verdict.reasons, ['query p99-latency-seconds = 0.52 > max 0.3 on 2 consecutive reads']);
  });

  it('a good read in between resets the streak', () => {
    const { verdict, memo } = run([LATENCY], [[latency(0.5)], [latency(0.1)], [latency(0.5)]]);
    assert.equal(verdict.kind, 'inconclusive');
    assert.equal(memo['p99-latency-seconds']?.bad, 1);
  });

  it('the same read seen by several decisions counts once', () => {
    let memo = foldReading([LATENCY], 'inconclusive', undefined, { at: 5, results: [latency(0.9)] });
    memo = foldReading([LATENCY], 'inconclusive', memo, { at: 5, results: [latency(0.9)] });
    assert.equal(memo['p99-latency-seconds']?.bad, 1);
    assert.equal(checksVerdict([LATENCY], 'inconclusive', memo, 0).kind, 'inconclusive');
  });

  it('a min threshold breaches below it', () => {
    const t = (value: number): CheckResult => ({ name: 'throughput', value });
    const { verdict } = run([THROUGHPUT], [[t(2)], [t(1.5)]]);
    assert.deepEqual(verdict.reasons, ['query throughput = 1.5 < min 5 on 2 consecutive reads']);
  });

  it('passes only when every check has a read in this step within its threshold', () => {
    const both = [LATENCY, HEALTH];
    const ok = run(both, [[latency(0.1), { name: 'healthz', value: 200 }]]);
    assert.equal(ok.verdict.kind, 'pass');
    assert.deepEqual(ok.verdict.reasons, [
      'query p99-latency-seconds = 0.1 within max 0.3',
      'query healthz: status 200 as expected',
    ]);
    const missing = run(both, [[latency(0.1)]]);
    assert.equal(missing.verdict.kind, 'inconclusive', 'healthz was not answered: no pass');
    const stale = checksVerdict(both, 'inconclusive', ok.memo, 2000);
    assert.deepEqual(stale.reasons, [
      'query p99-latency-seconds: not read yet in this step',
      'query healthz: not read yet in this step',
    ]);
    const never = run(both, []);
    assert.equal(never.verdict.kind, 'inconclusive');
  });

  it('HTTP: a wrong status or a failed request breaches; twice fails', () => {
    const status = run([HEALTH], [[{ name: 'healthz', value: 500 }], [{ name: 'healthz', value: 503 }]]);
    assert.deepEqual(status.verdict.reasons, [
      'query healthz: status 503, expected 200 on 2 consecutive reads',
    ]);
    const refused = { name: 'healthz', error: 'connect ECONNREFUSED 127.0.0.1:1' };
    const failed = run([HEALTH], [[refused], [refused]], 'pass');
    assert.equal(failed.verdict.kind, 'fail', 'a failed request is a breach whatever the noData policy');
    assert.match(
      failed.verdict.reasons[0] as string,
      /request failed: connect ECONNREFUSED.*expected status 200/,
    );
  });

  describe('no data (empty vector, NaN, a rejected query) follows analysis.noData', () => {
    const rejected = latency(undefined, 'Prometheus rejected …: bad_data: parse error');
    it('fail: two no-data reads fail, with the error text, once the check has had data', () => {
      const { verdict } = run([LATENCY], [[latency(0.1)], [latency()], [rejected]], 'fail');
      assert.equal(verdict.kind, 'fail');
      assert.deepEqual(verdict.reasons, [
        'query p99-latency-seconds: no data: Prometheus rejected …: bad_data: parse error on 2 consecutive reads',
      ]);
    });
    it('fail: before its first data, a check is waiting (scrape lag), not failing', () => {
      const { verdict } = run([LATENCY], [[latency()], [latency()], [rejected]], 'fail');
      assert.equal(verdict.kind, 'inconclusive');
      assert.match(
        verdict.reasons[0] as string,
        /no data: Prometheus rejected.*; waiting for its first data$/,
      );
    });
    it('inconclusive: never fails, never passes on it', () => {
      const { verdict } = run([LATENCY], [[latency(Number.NaN)], [latency()], [rejected]]);
      assert.equal(verdict.kind, 'inconclusive');
      assert.match(verdict.reasons[0] as string, /no data: Prometheus rejected.*noData: inconclusive/);
    });
    it('pass: the missing check is ignored', () => {
      const { verdict } = run([LATENCY, HEALTH], [[latency(), { name: 'healthz', value: 200 }]], 'pass');
      assert.equal(verdict.kind, 'pass');
      assert.match(verdict.reasons[0] as string, /no data; ignored \(noData: pass\)/);
    });
    it('a no-data read ends a breach streak unless noData is fail', () => {
      assert.equal(run([LATENCY], [[latency(0.9)], [latency()]]).verdict.kind, 'inconclusive');
      assert.equal(run([LATENCY], [[latency(0.9)], [latency()]], 'fail').verdict.kind, 'fail');
    });
  });

  it('combined with the request judge: the worse verdict, with the reasons that make it so', () => {
    const judge = { kind: 'pass' as const, reasons: ['300 candidate requests'], evidence: { requests: 300 } };
    const checks = {
      kind: 'inconclusive' as const,
      reasons: ['query x: not read yet'],
      evidence: { 'query.x': 1 },
    };
    assert.deepEqual(combineVerdicts(judge, checks), {
      kind: 'inconclusive',
      reasons: ['query x: not read yet'],
      evidence: { requests: 300, 'query.x': 1 },
    });
    const pass = combineVerdicts(judge, { ...checks, kind: 'pass' });
    assert.deepEqual(pass.reasons, ['300 candidate requests', 'query x: not read yet']);
  });
});
