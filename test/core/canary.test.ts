import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CanaryStep, CanaryStrategy } from '../../src/core/spec.ts';
import { Driver, kindsOf, trafficOf } from '../support/driver.ts';
import { ANALYSIS, releaseSpec } from '../support/specs.ts';

const canary = (steps: CanaryStrategy['steps'], continuousAnalysis = true): CanaryStrategy => ({
  kind: 'canary',
  continuousAnalysis,
  steps,
});
const STEPS: CanaryStrategy['steps'] = [
  { kind: 'weight', weight: 10 },
  { kind: 'analysis', maxDurationMs: 300_000 },
  { kind: 'weight', weight: 50 },
  { kind: 'pause', durationMs: 30_000 },
];
const driver = (steps = STEPS) => new Driver(releaseSpec(canary(steps)), 1);

describe('canary phase transitions (pure step, virtual time)', () => {
  it('pending → progressing: starts one candidate instance for 10%, no traffic yet', () => {
    const d = driver().step();
    assert.equal(d.phase, 'progressing');
    assert.deepEqual(kindsOf(d), ['record:started', 'ensure-revision']);
    assert.deepEqual(d.effects[1], { kind: 'ensure-revision', release: 2, replicas: 1 });
    assert.deepEqual(trafficOf(d), []);
  });

  it('progressing: 10% moves to the candidate only once its instance is ready', () => {
    const dr = driver();
    dr.step();
    assert.deepEqual(trafficOf(dr.advance(500).step()), [], 'not ready at 500 ms');
    const d = dr.advance(500).step();
    assert.deepEqual(trafficOf(d), [{ '1': 90, '2': 10 }]);
    assert.equal(d.phase, 'progressing');
  });

  it('stable keeps its full capacity the whole way', () => {
    const dr = driver();
    dr.runUntil((d) => d.phase === 'promoted');
    const stableScaled = dr.world.applied.filter((a) => a.kind === 'ensure-revision' && a.release === 1);
    assert.deepEqual(stableScaled, []);
  });

  it('progressing → analysing → progressing when the healthy candidate passes', () => {
    const dr = driver();
    const a = dr.runUntil((d) => d.phase === 'analysing');
    assert.ok(a.wakeAt !== undefined && a.wakeAt <= dr.now + 1000, 'looks again within the interval');
    const passed = dr.runUntil((d) =>
      d.effects.some((x) => x.kind === 'record' && x.event.kind === 'analysis'),
    );
    assert.equal(passed.verdict?.kind, 'pass');
    assert.equal(passed.phase, 'progressing');
  });

  it('analysing → rolled-back on fail: one set-traffic gives stable 100 and the candidate 0, then retire', () => {
    const dr = driver();
    dr.world.script(2, { errorRate: 0.5 });
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.equal(d.phase, 'rolled-back');
    assert.deepEqual(trafficOf(d), [{ '1': 100, '2': 0 }]);
    const kinds = kindsOf(d);
    assert.ok(kinds.indexOf('set-traffic') < kinds.indexOf('retire-revision'));
    assert.match(d.reason, /analysis failed/);
  });

  it('analysing → rolled-back when the analysis step ends inconclusive', () => {
    const dr = driver();
    dr.rps = 0; // no user traffic: never enough evidence
    dr.previewRps = 0;
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.match(d.reason, /inconclusive|no requests|no data/i);
  });

  it('steps done without a pass: keeps judging at the last weight instead of promoting', () => {
    // Timed steps only: nothing but continuous analysis stands between the candidate and promotion.
    const dr = driver([
      { kind: 'weight', weight: 20 },
      { kind: 'pause', durationMs: 1_000 },
    ]);
    dr.rps = 1; // too little traffic for a pass within the pause
    const d = dr.runUntil((x) => x.phase === 'analysing' || x.phase === 'promoted');
    assert.equal(d.phase, 'analysing');
    assert.match(d.reason, /waiting for a passing verdict before promotion/);
    assert.deepEqual(trafficOf(d), []);
  });

  it('steps done, no pass within the progress deadline: rolled back, never promoted', () => {
    const dr = driver([{ kind: 'weight', weight: 20 }]);
    dr.rps = 0;
    dr.previewRps = 0;
    const d = dr.runUntil((x) => x.phase === 'rolled-back' || x.phase === 'promoted');
    assert.equal(d.phase, 'rolled-back');
    assert.match(d.reason, /no pass within/);
  });

  describe('no candidate traffic at all (a rehearsal on a laptop)', () => {
    const silent = (noData: 'pass' | 'fail' | 'inconclusive', steps = STEPS) => {
      const spec = releaseSpec(canary(steps), 2, { analysis: { ...ANALYSIS, noData } });
      const dr = new Driver(spec, 1);
      dr.rps = 0;
      dr.previewRps = 0;
      return dr;
    };
    const ended = (d: { phase: string }) => d.phase === 'rolled-back' || d.phase === 'promoted';

    it("noData 'pass': promoted once the analysis step's time is over, not held to the progress deadline", () => {
      const dr = silent('pass');
      const start = dr.now;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'promoted', d.reason);
      // 300 s of analysis step and a 30 s pause; the progress deadline (600 s) plays no part.
      const took = dr.now - start;
      assert.ok(took >= 330_000 && took < 340_000, `took ${took} ms`);
      assert.match(d.verdict?.reasons.join('; ') ?? '', /no-data policy is 'pass'/);
    });

    it("noData 'pass' with timed steps only: promoted when the steps are over", () => {
      const dr = silent('pass', [
        { kind: 'weight', weight: 20 },
        { kind: 'pause', durationMs: 10_000 },
      ]);
      const start = dr.now;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'promoted', d.reason);
      assert.ok(dr.now - start < 15_000, `took ${dr.now - start} ms`);
    });

    it("noData 'fail' with timed steps only: rolled back as soon as the steps are over", () => {
      const dr = silent('fail', [
        { kind: 'weight', weight: 20 },
        { kind: 'pause', durationMs: 10_000 },
      ]);
      const start = dr.now;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'rolled-back', d.reason);
      assert.ok(dr.now - start < 15_000, `took ${dr.now - start} ms`);
      assert.match(d.reason, /no-data policy is 'fail'/);
    });

    it("noData 'inconclusive': the wait names the field and the fix from its first look", () => {
      const dr = silent('inconclusive');
      const a = dr.runUntil((x) => x.phase === 'analysing');
      assert.match(a.reason, /waiting for traffic/);
      assert.match(a.reason, /analysis\.noData: pass/);
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'rolled-back');
      assert.match(d.verdict?.reasons.join('; ') ?? '', /analysis\.noData: pass/);
    });
  });

  it('steps done and the judge passes: promoted', () => {
    const dr = driver([{ kind: 'weight', weight: 20 }]);
    const d = dr.runUntil((x) => x.phase === 'promoted');
    assert.equal(d.verdict?.kind, 'pass');
  });

  it('paused (timed) → progressing after the duration', () => {
    const dr = driver([
      { kind: 'weight', weight: 20 },
      { kind: 'pause', durationMs: 60_000 },
      { kind: 'weight', weight: 40 },
    ]);
    const p = dr.runUntil((d) => d.phase === 'paused');
    const pausedAt = dr.now;
    assert.ok(p.wakeAt !== undefined && p.wakeAt <= pausedAt + 60_000);
    const next = dr.runUntil((d) => d.phase !== 'paused');
    assert.ok(dr.now >= pausedAt + 60_000, 'not before the pause is over');
    assert.equal(next.phase, 'progressing');
  });

  it('paused (untimed) waits for promote, then promoting → promoted', () => {
    const dr = driver([{ kind: 'weight', weight: 20 }, { kind: 'pause' }]);
    dr.runUntil((d) => d.phase === 'paused');
    dr.advance(3_600_000);
    assert.equal(dr.step().phase, 'paused', 'still paused an hour later');
    dr.command('promote');
    const d = dr.step();
    assert.equal(d.phase, 'promoting');
    assert.deepEqual(
      d.effects.filter((a) => a.kind === 'ensure-revision'),
      [{ kind: 'ensure-revision', release: 2, replicas: 4 }],
    );
    const done = dr.runUntil((x) => x.phase === 'promoted');
    assert.deepEqual(trafficOf(done), [{ '1': 0, '2': 100 }]);
    assert.deepEqual(kindsOf(done).slice(-2), ['retire-revision', 'record:promoted']);
  });

  it('promote at a pause step opens the gate: the steps after it still run; --full finishes now', () => {
    const steps: CanaryStep[] = [
      { kind: 'weight', weight: 20 },
      { kind: 'pause' },
      { kind: 'weight', weight: 50 },
      { kind: 'pause' },
    ];
    const gate = driver(steps);
    gate.runUntil((d) => d.phase === 'paused');
    gate.command('promote');
    const next = gate.runUntil((d) => d.phase === 'paused' || d.phase === 'promoted');
    assert.equal(next.phase, 'paused', 'stopped at the second pause, not promoted');
    assert.ok(
      gate.decisions.some((d) => trafficOf(d).some((w) => w['2'] === 50)),
      'the 50% step ran after the gate opened',
    );
    gate.command('promote', { full: true });
    assert.equal(gate.runUntil((d) => d.phase === 'promoted').phase, 'promoted');

    const full = driver(steps);
    full.runUntil((d) => d.phase === 'paused');
    full.command('promote', { full: true });
    full.runUntil((d) => d.phase === 'promoted');
    assert.ok(!full.decisions.some((d) => trafficOf(d).some((w) => w['2'] === 50)), '--full skipped 50%');
  });

  it('promote skips the remaining steps', () => {
    const dr = driver();
    dr.step();
    dr.command('promote');
    const d = dr.runUntil((x) => x.phase === 'promoted');
    assert.equal(d.phase, 'promoted');
    assert.ok(!dr.decisions.some((x) => x.phase === 'analysing'));
  });

  it('operator pause freezes the steps; resume continues where it was', () => {
    const dr = driver();
    dr.advance(1000).step();
    dr.command('pause');
    assert.equal(dr.step().phase, 'paused');
    dr.advance(600_000);
    const still = dr.step();
    assert.equal(still.phase, 'paused', 'a pause does not trip the progress deadline');
    dr.command('resume');
    assert.notEqual(dr.step().phase, 'paused');
    assert.equal(dr.runUntil((d) => d.phase === 'promoted').phase, 'promoted');
  });

  it('the candidate failing (crash loop) rolls back at once', () => {
    const dr = driver();
    dr.world.script(2, { failAfterMs: 5000, failReason: 'CrashLoopBackOff' });
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.match(d.reason, /CrashLoopBackOff/);
    assert.deepEqual(dr.world.weights, { '1': 100 });
  });

  it('no progress within the deadline rolls back', () => {
    const dr = driver();
    dr.world.script(2, { neverReady: true });
    const d = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.match(d.reason, /no progress for 600000 ms/);
    assert.ok(dr.now >= 1_000_000 + 600_000);
  });

  it('metrics offline: analysis waits (inconclusive), it does not pass', () => {
    const dr = driver();
    dr.metricsOnline = false;
    dr.runUntil((d) => d.phase === 'analysing');
    const d = dr.advance(10_000).step();
    assert.equal(d.verdict?.kind, 'inconclusive');
    assert.match(d.verdict?.reasons.join() ?? '', /no metrics/);
  });

  describe('no metric source (kubernetes without analysis.prometheus.url) is no data; offline is not', () => {
    const spec = (noData: 'pass' | 'fail' | 'inconclusive') =>
      releaseSpec(canary(STEPS), 2, { analysis: { ...ANALYSIS, noData } });
    const ended = (d: { phase: string }) => d.phase === 'rolled-back' || d.phase === 'promoted';
    const sourceless = (noData: 'pass' | 'fail' | 'inconclusive') => {
      const dr = new Driver(spec(noData), 1);
      dr.metricsOnline = false;
      dr.metricSource = 'none';
      return dr;
    };

    it("noData 'pass': each analysis step passes at its maxDuration, and the release is promoted", () => {
      const dr = sourceless('pass');
      const start = dr.now;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'promoted', d.reason);
      const took = dr.now - start;
      assert.ok(took >= 330_000 && took < 340_000, `took ${took} ms (the steps' time)`);
      assert.match(
        d.verdict?.reasons.join('; ') ?? '',
        /no metric source .*analysis\.prometheus\.url.*'pass'/,
      );
    });

    it("noData 'fail': rolled back at the analysis step's maxDuration, naming the field", () => {
      const dr = sourceless('fail');
      const start = dr.now;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'rolled-back');
      const took = dr.now - start;
      assert.ok(took >= 300_000 && took < 310_000, `took ${took} ms`);
      assert.match(d.reason, /analysis\.prometheus\.url is not set.*no-data policy is 'fail'/);
    });

    it("noData 'inconclusive': the wait says from its first look what to set", () => {
      const dr = sourceless('inconclusive');
      const a = dr.runUntil((x) => x.phase === 'analysing');
      assert.match(a.reason, /set analysis\.prometheus\.url, or analysis\.noData: pass/);
      assert.equal(dr.runUntil(ended).phase, 'rolled-back');
    });

    it("an offline provider with noData 'pass' is 'cannot know': rolled back, never passed", () => {
      const dr = new Driver(spec('pass'), 1);
      dr.metricsOnline = false;
      const d = dr.runUntil(ended);
      assert.equal(d.phase, 'rolled-back');
      assert.match(d.verdict?.reasons.join() ?? '', /provider offline\?.*whatever analysis\.noData says/);
    });
  });

  it('a lower weight moves traffic first, then stops the instances it no longer needs', () => {
    const dr = driver([
      { kind: 'weight', weight: 60 },
      { kind: 'weight', weight: 20 },
    ]);
    dr.runUntil((d) => d.effects.some((a) => a.kind === 'set-traffic' && a.weights['2'] === 60));
    const d = dr.step();
    assert.deepEqual(
      d.effects.filter((a) => a.kind !== 'record'),
      [
        { kind: 'set-traffic', weights: { '1': 80, '2': 20 }, stable: 1 },
        { kind: 'ensure-revision', release: 2, replicas: 1 },
      ],
    );
  });

  it('does not shift weight while stable has no ready instance', () => {
    const dr = driver();
    dr.world.script(1, { neverReady: true });
    dr.advance(1000).step();
    const d = dr.advance(1000).step();
    assert.deepEqual(trafficOf(d), []);
    assert.match(d.reason, /waiting for a ready stable instance/);
  });

  it('a terminal phase decides nothing more', () => {
    const dr = driver();
    dr.runUntil((d) => d.phase === 'promoted');
    const again = dr.advance(1000).step();
    assert.equal(again.phase, 'promoted');
    assert.deepEqual(again.effects, []);
  });
});
