import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Driver, kindsOf, trafficOf } from '../support/driver.ts';
import { releaseSpec, STRATEGIES, type StrategyName } from '../support/specs.ts';

describe('first release (no stable revision)', () => {
  for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
    it(`${name}: full capacity, then all traffic in one switch, nothing to retire`, () => {
      const dr = new Driver(releaseSpec(STRATEGIES[name], 1));
      const first = dr.step();
      assert.deepEqual(
        first.effects.filter((a) => a.kind === 'ensure-revision'),
        [{ kind: 'ensure-revision', release: 1, replicas: 4 }],
      );
      const d = dr.runUntil((x) => x.phase === 'promoted');
      assert.deepEqual(trafficOf(d), [{ '1': 100 }]);
      assert.ok(!kindsOf(d).includes('retire-revision'));
    });
  }

  it('an operator pause holds it before any traffic moves', () => {
    const dr = new Driver(releaseSpec(STRATEGIES.canary, 1));
    dr.step();
    dr.command('pause');
    assert.equal(dr.step().phase, 'paused');
    dr.advance(60_000);
    assert.equal(dr.step().phase, 'paused');
    assert.deepEqual(dr.world.weights, {});
    dr.command('resume');
    assert.equal(dr.runUntil((x) => x.phase === 'promoted').phase, 'promoted');
  });

  it('abort removes the candidate and fails: there is nothing to roll back to', () => {
    const dr = new Driver(releaseSpec(STRATEGIES.canary, 1));
    dr.step();
    dr.command('abort');
    const d = dr.step();
    assert.equal(d.phase, 'failed');
    assert.deepEqual(kindsOf(d), ['retire-revision', 'record:failed']);
    assert.equal(dr.world.revisions.size, 0);
  });
});
