import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy, resume } from '../../src/engine/api.ts';
import { LockLostError } from '../../src/engine/errors.ts';
import { noMetrics } from '../../src/targets/kubernetes/metrics.ts';
import { harness, until } from '../support/engine.ts';
import { ANALYSIS, deployInput, STRATEGIES } from '../support/specs.ts';

describe('engine resilience', () => {
  it('stopped by its signal: progress stays saved, the lock is released, resume finishes the release', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(STRATEGIES.canary));
    const stop = new AbortController();
    const running = deploy({ ...h.deps(), signal: stop.signal }, deployInput(STRATEGIES.canary));
    await until(() => h.decisions.at(-1)?.phase === 'analysing', h);
    stop.abort(new Error('interrupted (SIGINT)'));
    await assert.rejects(running, /interrupted/);
    assert.equal(h.target.lockHolder(), undefined);
    assert.ok((h.target.world.weights['2'] ?? 0) > 0, 'the canary keeps serving while nobody drives it');
    const out = await resume(h.deps('other'), 'test');
    assert.equal(out.kind, 'promoted');
    assert.equal(out.release, 2);
  });

  it('a lock taken by someone else stops the engine before it acts again', async () => {
    const h = harness();
    const manual = { ...STRATEGIES['blue-green'], autoPromote: false, prePromotionAnalysis: false };
    await deploy(h.deps(), deployInput(manual));
    const running = deploy({ ...h.deps('alice'), lockTtlMs: 10_000 }, deployInput(manual));
    await until(() => h.decisions.at(-1)?.phase === 'paused', h);
    h.target.stealLock('mallory', 60_000);
    const applied = h.target.world.applied.length;
    await assert.rejects(running, LockLostError);
    assert.equal(h.target.world.applied.length, applied, 'nothing applied after the lock was lost');
    assert.equal(h.target.lockHolder(), 'mallory');
  });

  it('an API blip while observing is retried, not fatal', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(STRATEGIES.canary));
    const running = deploy(h.deps(), deployInput(STRATEGIES.canary));
    await until(() => h.decisions.at(-1)?.phase === 'analysing', h);
    h.target.failObservations(3);
    assert.equal((await running).kind, 'promoted');
  });

  it('an API outage longer than the retries ends the run with the error, progress saved', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(STRATEGIES.canary));
    const running = deploy(h.deps(), deployInput(STRATEGIES.canary));
    await until(() => h.decisions.at(-1)?.phase === 'analysing', h);
    h.target.failObservations(100);
    await assert.rejects(running, /API blip/);
    h.target.failObservations(0);
    assert.equal((await resume(h.deps(), 'test')).kind, 'promoted');
  });

  it('a failing metrics provider means no evidence: analysis cannot pass, the canary is rolled back', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(STRATEGIES.canary));
    h.target.metricsError = new Error('prometheus: 503');
    const out = await deploy(h.deps(), deployInput(STRATEGIES.canary));
    assert.equal(out.kind, 'rolled-back');
    assert.match(out.reason, /analysis inconclusive after 120000 ms/);
    assert.match(out.reasons.join('\n'), /no metrics available/);
  });

  it("no metric source at all (kubernetes without prometheus.url) is no data: noData 'pass' promotes", async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(STRATEGIES.canary));
    const pass = { analysis: { ...ANALYSIS, noData: 'pass' as const } };
    const out = await deploy({ ...h.deps(), metrics: noMetrics }, deployInput(STRATEGIES.canary, pass));
    assert.equal(out.kind, 'promoted', out.reason);
    const strict = await deploy({ ...h.deps(), metrics: noMetrics }, deployInput(STRATEGIES.canary));
    assert.equal(strict.kind, 'rolled-back');
    assert.match(strict.reasons.join('\n'), /set analysis\.prometheus\.url, or analysis\.noData: pass/);
  });
});
