import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BlueGreenStrategy } from '../../src/core/spec.ts';
import { Driver, kindsOf, trafficOf } from '../support/driver.ts';
import { ANALYSIS, releaseSpec } from '../support/specs.ts';

const bg = (o: Partial<BlueGreenStrategy> = {}): BlueGreenStrategy => ({
  kind: 'blue-green',
  prePromotionAnalysis: true,
  autoPromote: true,
  scaleDownDelayMs: 30_000,
  ...o,
});
const driver = (o: Partial<BlueGreenStrategy> = {}) => new Driver(releaseSpec(bg(o)), 1);

describe('blue-green phase transitions (pure step, virtual time)', () => {
  it('pending → progressing: the candidate comes up at full capacity with no user traffic', () => {
    const d = driver().step();
    assert.equal(d.phase, 'progressing');
    assert.deepEqual(
      d.effects.filter((a) => a.kind === 'ensure-revision'),
      [{ kind: 'ensure-revision', release: 2, replicas: 4 }],
    );
    assert.deepEqual(trafficOf(d), []);
  });

  it('progressing → analysing (preview) once every instance is ready, still no user traffic', () => {
    const dr = driver();
    dr.world.script(2, { readyAfterMs: 5000 });
    dr.step();
    assert.equal(dr.advance(4000).step().phase, 'progressing');
    const d = dr.advance(1000).step();
    assert.equal(d.phase, 'analysing');
    assert.deepEqual(dr.world.weights, { '1': 100 });
  });

  it('analysing → promoting: a pass cuts over in one set-traffic and keeps the old revision', () => {
    const dr = driver();
    const d = dr.runUntil((x) => x.phase === 'promoting');
    assert.equal(d.verdict?.kind, 'pass');
    assert.deepEqual(trafficOf(d), [{ '1': 0, '2': 100 }]);
    assert.ok(!kindsOf(d).includes('retire-revision'), 'old revision kept for the scale-down delay');
    assert.equal(d.wakeAt, dr.now + 30_000);
  });

  it('promoting → promoted: the old revision is retired after the scale-down delay', () => {
    const dr = driver();
    dr.runUntil((x) => x.phase === 'promoting');
    const switchedAt = dr.now;
    const d = dr.runUntil((x) => x.phase === 'promoted');
    assert.equal(dr.now, switchedAt + 30_000);
    // The weights stay; the switch tells the target that the candidate is the stable revision now.
    assert.deepEqual(kindsOf(d), ['set-traffic', 'retire-revision', 'record:promoted']);
    assert.deepEqual(trafficOf(d), [{ '1': 0, '2': 100 }]);
    assert.equal(d.effects[0]?.kind === 'set-traffic' && d.effects[0].stable, 2);
  });

  it('abort during the scale-down delay is one switch back to the still-running old revision', () => {
    const dr = driver();
    dr.runUntil((x) => x.phase === 'promoting');
    dr.advance(10_000).command('abort');
    const d = dr.step();
    assert.equal(d.phase, 'rolled-back');
    assert.deepEqual(trafficOf(d), [{ '1': 100, '2': 0 }]);
    assert.ok(!d.effects.some((a) => a.kind === 'ensure-revision'), 'nothing to start: instant');
    assert.ok(d.effects.some((a) => a.kind === 'record' && a.event.kind === 'aborted'));
  });

  it('analysing → rolled-back on a failing preview: users never saw the candidate', () => {
    const dr = driver();
    dr.world.script(2, { errorRate: 0.5 });
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.match(d.reason, /pre-promotion analysis failed/);
    const everRouted = dr.world.applied.some((a) => a.kind === 'set-traffic' && (a.weights['2'] ?? 0) > 0);
    assert.equal(everRouted, false);
  });

  it('manual promotion: paused when ready, promoting on promote', () => {
    const dr = driver({ autoPromote: false, prePromotionAnalysis: false });
    const p = dr.runUntil((x) => x.phase === 'paused');
    assert.match(p.reason, /waiting for promote/);
    dr.advance(3_600_000);
    assert.equal(dr.step().phase, 'paused');
    dr.command('promote');
    const d = dr.step();
    assert.equal(d.phase, 'promoting');
    assert.deepEqual(trafficOf(d), [{ '1': 0, '2': 100 }]);
  });

  it('no scale-down delay: cutover and retirement in one decision', () => {
    const dr = driver({ scaleDownDelayMs: 0, prePromotionAnalysis: false });
    const d = dr.runUntil((x) => x.phase === 'promoted');
    assert.deepEqual(
      kindsOf(d).filter((k) => k !== 'record:traffic'),
      ['set-traffic', 'retire-revision', 'record:promoted'],
    );
  });

  describe('no preview traffic: the no-data policy applies at the progress deadline, its only bound', () => {
    const silent = (noData: 'pass' | 'fail' | 'inconclusive', metricSource?: 'none') => {
      const spec = releaseSpec(bg({ scaleDownDelayMs: 0 }), 2, { analysis: { ...ANALYSIS, noData } });
      const dr = new Driver(spec, 1);
      dr.previewRps = 0;
      if (metricSource) {
        dr.metricsOnline = false;
        dr.metricSource = metricSource;
      }
      return dr;
    };
    const ended = (d: { phase: string }) => d.phase === 'rolled-back' || d.phase === 'promoted';
    const deadline = 600_000;

    for (const source of [undefined, 'none'] as const) {
      const what = source ? 'no metric source' : 'no requests';
      it(`${what}, noData 'pass': promoted at the progress deadline, not rolled back by it`, () => {
        const dr = silent('pass', source);
        const start = dr.now;
        const d = dr.runUntil(ended, 5000);
        assert.equal(d.phase, 'promoted', d.reason);
        const took = dr.now - start;
        assert.ok(took >= deadline && took < deadline + 5000, `took ${took} ms`);
      });
    }

    it("noData 'fail': rolled back at the progress deadline with the policy named", () => {
      const dr = silent('fail');
      const d = dr.runUntil(ended, 5000);
      assert.equal(d.phase, 'rolled-back');
      assert.match(d.reason, /pre-promotion analysis failed: .*no-data policy is 'fail'/);
    });

    it('the waiting line says when the policy applies and names the field', () => {
      const dr = silent('inconclusive');
      const a = dr.runUntil((x) => x.phase === 'analysing');
      assert.match(a.reason, /progress deadline in 600 s/);
      assert.match(a.reason, /analysis\.noData: pass/);
      const later = dr.advance(100_000).step();
      assert.match(later.reason, /progress deadline in 500 s/);
      assert.equal(dr.runUntil(ended, 5000).phase, 'rolled-back');
    });
  });

  it('candidate never ready: rolled back at the progress deadline', () => {
    const dr = driver();
    dr.world.script(2, { neverReady: true });
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.match(d.reason, /no progress/);
  });
});
