import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy } from '../../src/engine/api.ts';
import { harness } from '../support/engine.ts';
import { deployInput, STRATEGIES, type StrategyName } from '../support/specs.ts';

const names = Object.keys(STRATEGIES) as StrategyName[];

describe('deploy through the engine (memory target, virtual clock)', () => {
  for (const name of names) {
    it(`${name}: a first release goes straight to full capacity and all traffic`, async () => {
      const h = harness();
      const out = await deploy(h.deps(), deployInput(STRATEGIES[name]));
      assert.equal(out.kind, 'promoted', out.reason);
      assert.equal(out.release, 1);
      assert.deepEqual(h.target.world.weights, { '1': 100 });
      assert.deepEqual(h.target.world.violations, []);
      const [record] = await h.target.ledger().releases();
      assert.equal(record?.outcome, 'promoted');
      assert.equal(h.target.lockHolder(), undefined, 'lock released');
    });

    it(`${name}: a healthy second release is promoted and the first retired`, async () => {
      const h = harness();
      await deploy(h.deps(), deployInput(STRATEGIES[name]));
      const out = await deploy(h.deps(), deployInput(STRATEGIES[name]));
      assert.equal(out.kind, 'promoted', out.reason);
      assert.deepEqual(h.target.world.weights, { '2': 100 });
      assert.deepEqual([...h.target.world.revisions.keys()], [2]);
      assert.deepEqual(h.target.world.violations, []);
    });

    it(`${name}: a second release failing 30% of requests is rolled back`, async () => {
      const h = harness();
      await deploy(h.deps(), deployInput(STRATEGIES[name]));
      h.target.world.script(2, { errorRate: 0.3 });
      const out = await deploy(h.deps(), deployInput(STRATEGIES[name]));
      assert.equal(out.kind, 'rolled-back', out.reason);
      assert.deepEqual(h.target.world.weights, { '1': 100 });
      assert.deepEqual([...h.target.world.revisions.keys()], [1]);
      assert.deepEqual(h.target.world.violations, []);
      const events = await h.target.ledger().events(2);
      assert.equal(events.at(-1)?.kind, 'rolled-back');
    });
  }

  it('a first release that never becomes ready fails and leaves nothing running', async () => {
    const h = harness();
    h.target.world.script(1, { failAfterMs: 500, failReason: 'exited with code 1 before listening' });
    const out = await deploy(h.deps(), deployInput(STRATEGIES.canary));
    assert.equal(out.kind, 'failed');
    assert.match(out.reason, /exited with code 1/);
    assert.equal(h.target.world.revisions.size, 0);
    const [record] = await h.target.ledger().releases();
    assert.equal(record?.outcome, 'failed');
  });
});
