import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RollingStrategy } from '../../src/core/spec.ts';
import { Driver, trafficOf } from '../support/driver.ts';
import { releaseSpec } from '../support/specs.ts';

const rolling = (maxSurge: number, maxUnavailable: number): RollingStrategy => ({
  kind: 'rolling',
  maxSurge,
  maxUnavailable,
});
const driver = (surge = 1, unavailable = 0) => new Driver(releaseSpec(rolling(surge, unavailable)), 1);

describe('rolling phase transitions (pure step, virtual time)', () => {
  it('pending → progressing: one surge instance, stable untouched', () => {
    const d = driver().step();
    assert.equal(d.phase, 'progressing');
    assert.deepEqual(
      d.effects.filter((a) => a.kind === 'ensure-revision'),
      [{ kind: 'ensure-revision', release: 2, replicas: 1 }],
    );
  });

  it('progressing: traffic follows ready capacity batch by batch', () => {
    const dr = driver();
    dr.step();
    const d = dr.advance(1000).step();
    assert.deepEqual(trafficOf(d), [{ '1': 75, '2': 25 }]);
    assert.deepEqual(
      d.effects.filter((a) => a.kind === 'ensure-revision'),
      [
        { kind: 'ensure-revision', release: 1, replicas: 3 },
        { kind: 'ensure-revision', release: 2, replicas: 2 },
      ],
    );
  });

  it('with maxUnavailable 0, ready capacity never drops below the replicas asked for', () => {
    const dr = driver(1, 0);
    dr.world.script(2, { readyAfterMs: 3000 });
    let d = dr.step();
    while (d.phase !== 'promoted') {
      const ready = dr.world.readyCount(1, dr.now) + dr.world.readyCount(2, dr.now);
      assert.ok(ready >= 4, `only ${ready} ready at ${dr.now}`);
      dr.advance(500);
      d = dr.step();
    }
  });

  it('progressing → promoted: all new, old retired, traffic 100 to the candidate', () => {
    const dr = driver(2, 1);
    const d = dr.runUntil((x) => x.phase === 'promoted');
    assert.equal(d.phase, 'promoted');
    assert.deepEqual(dr.world.weights, { '2': 100 });
    assert.deepEqual([...dr.world.revisions.keys()], [2]);
    assert.deepEqual(dr.world.violations, []);
  });

  it('a failing candidate mid-roll: stable scaled back up, all traffic to it in one action', () => {
    const dr = driver();
    dr.world.script(2, { errorRate: 0.4 });
    const d = dr.runUntil((x) => x.phase === 'rolled-back' || x.phase === 'aborting');
    assert.deepEqual(
      d.effects.find((a) => a.kind === 'ensure-revision'),
      { kind: 'ensure-revision', release: 1, replicas: 4 },
    );
    const end = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.equal(end.phase, 'rolled-back');
    assert.deepEqual(dr.world.weights, { '1': 100 });
    assert.deepEqual(dr.world.violations, []);
  });

  it('aborting waits for stable to have a ready instance before moving traffic back', () => {
    const dr = driver(0, 3); // old instances may all go before every new one is ready
    dr.world.script(1, { readyAfterMs: 4000 });
    dr.runUntil(
      (x) =>
        (x.memo.strategy as { targets?: { stable: number } }).targets?.stable === 0 || x.phase === 'promoted',
    );
    assert.equal(dr.world.readyCount(1, dr.now), 0, 'stable emptied mid-roll');
    dr.command('abort');
    const d = dr.step();
    assert.equal(d.phase, 'aborting');
    assert.deepEqual(trafficOf(d), [], 'no traffic to a stable with nothing ready');
    const end = dr.runUntil((x) => x.phase === 'rolled-back');
    assert.equal(end.phase, 'rolled-back');
    assert.deepEqual(dr.world.violations, []);
  });

  it('aborting → failed when stable never comes back within the progress deadline', () => {
    const dr = driver(0, 3);
    dr.runUntil((x) => (x.memo.strategy as { targets?: { stable: number } }).targets?.stable === 0);
    dr.world.script(1, { neverReady: true });
    dr.command('abort');
    assert.equal(dr.step().phase, 'aborting');
    const end = dr.runUntil((x) => x.phase !== 'aborting', 2000, 10_000);
    assert.equal(end.phase, 'failed');
    assert.match(end.reason, /stable revision 1 has no ready instance after 600000 ms/);
    assert.ok((dr.world.weights['2'] ?? 0) > 0, 'traffic stays on the instances that can serve');
  });
});
