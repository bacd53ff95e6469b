import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Strategy } from '../../src/core/spec.ts';
import { deploy, planRollback, resume, rollback, sendCommand } from '../../src/engine/api.ts';
import { NothingToResumeError, RollbackError } from '../../src/engine/errors.ts';
import { harness, until } from '../support/engine.ts';
import { deployInput, STRATEGIES } from '../support/specs.ts';

const quickBg = { ...STRATEGIES['blue-green'], prePromotionAnalysis: false, scaleDownDelayMs: 0 };
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const input = (c: string, strategy: Strategy = STRATEGIES.canary) =>
  deployInput(strategy, { artifact: { digest: digest(c) } });

describe('operations: rollback, abort, pause/resume, resume', () => {
  it('rollback runs the previous good release again as a new release number', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await deploy(h.deps(), input('b'));
    const out = await rollback(h.deps(), 'test');
    assert.equal(out.kind, 'promoted', out.reason);
    assert.equal(out.release, 3);
    const [, , r3] = await h.target.ledger().releases();
    assert.equal(r3?.digest, digest('a'));
    assert.equal(r3?.strategy, 'rollback to 1');
    assert.deepEqual(h.target.world.weights, { '3': 100 });
  });

  it('rollback to release N whose revision still runs reuses it: one instant switch', async () => {
    const h = harness();
    await deploy(h.deps(), input('a', quickBg));
    await deploy(h.deps(), input('b', quickBg));
    await deploy(h.deps(), input('c', quickBg));
    h.target.world.seed(1, 4, h.clock.now()); // a target that kept release 1 warm
    h.target.world.weights = { '3': 100 };
    const before = h.target.log.length;
    const out = await rollback(h.deps(), 'test', { to: 1 });
    assert.equal(out.kind, 'promoted');
    assert.equal(out.release, 4);
    const effects = h.target.log.slice(before).filter((e) => e.kind !== 'ledger');
    assert.deepEqual(effects, [
      { kind: 'set-traffic', weights: { '1': 100, '3': 0 }, stable: 1 },
      { kind: 'retire-revision', release: 3, drainMs: 5000 },
    ]);
    // The next deploy starts from revision 1, which serves.
    const next = await deploy(h.deps(), input('d'));
    assert.equal(next.kind, 'promoted');
    assert.deepEqual([...h.target.world.revisions.keys()], [5]);
  });

  it('planRollback (rollback --dry-run) names what rollback would do and changes nothing', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    await deploy(h.deps(), input('b'));
    const before = { log: h.target.log.length, releases: (await h.target.ledger().releases()).length };
    const plan = await planRollback(h.target, 'test');
    assert.equal(plan.from?.release, 2);
    assert.equal(plan.to.release, 1);
    assert.equal(plan.to.digest, digest('a'));
    assert.equal(plan.release, 3);
    assert.equal(plan.runningRevision, undefined, 'release 1 was retired: it starts again');
    assert.equal(h.target.log.length, before.log, 'no effect, no ledger write');
    assert.equal((await h.target.ledger().releases()).length, before.releases);
    await assert.rejects(planRollback(h.target, 'test', { to: 9 }), /release 9 does not exist/);
    // What it planned is what rollback does.
    const out = await rollback(h.deps(), 'test');
    assert.equal(out.release, plan.release);
    assert.equal((await h.target.ledger().releases()).at(-1)?.digest, plan.to.digest);
  });

  it('rollback refuses what it cannot do, saying why', async () => {
    const h = harness();
    await assert.rejects(rollback(h.deps(), 'test'), /nothing to roll back/);
    await deploy(h.deps(), input('a'));
    await assert.rejects(rollback(h.deps(), 'test'), /only good release/);
    await assert.rejects(rollback(h.deps(), 'test', { to: 9 }), /release 9 does not exist .*releases: 1/);
    h.target.world.script(2, { errorRate: 0.5 });
    await deploy(h.deps(), input('b'));
    const err = await rollback(h.deps(), 'test', { to: 2 }).catch((e: unknown) => e);
    assert.ok(err instanceof RollbackError);
    assert.match(err.message, /release 2 never went live \(outcome: rolled-back\)/);
  });

  it('abort from the CLI rolls the canary back and reports aborted', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    const running = deploy(h.deps(), input('b'));
    await until(() => h.decisions.at(-1)?.phase === 'analysing', h);
    await sendCommand(h.target, 'test', { kind: 'abort', at: h.clock.now(), reason: 'wrong build' });
    const out = await running;
    assert.equal(out.kind, 'aborted');
    assert.match(out.reason, /aborted by operator: wrong build/);
    assert.deepEqual(h.target.world.weights, { '1': 100 });
    const events = await h.target.ledger().events(2);
    assert.equal(events.at(-1)?.kind, 'aborted');
  });

  it('pause and resume are recorded in the ledger and hold the canary in place', async () => {
    const h = harness();
    await deploy(h.deps(), input('a'));
    const running = deploy(h.deps(), input('b'));
    await until(() => h.decisions.at(-1)?.phase === 'analysing', h);
    await sendCommand(h.target, 'test', { kind: 'pause', at: h.clock.now() });
    await until(() => h.decisions.at(-1)?.phase === 'paused', h);
    const weights = { ...h.target.world.weights };
    await h.clock.sleep(600_000);
    assert.deepEqual(h.target.world.weights, weights, 'nothing moved while paused');
    await sendCommand(h.target, 'test', { kind: 'resume', at: h.clock.now() });
    assert.equal((await running).kind, 'promoted');
    const kinds = (await h.target.ledger().events(2)).map((e) => e.kind);
    assert.ok(kinds.indexOf('paused') < kinds.indexOf('resumed'));
  });

  it('resume and commands with nothing in flight say so', async () => {
    const h = harness();
    await assert.rejects(resume(h.deps(), 'test'), NothingToResumeError);
    await assert.rejects(
      sendCommand(h.target, 'test', { kind: 'promote', at: 0 }),
      /no release is in progress in test/,
    );
  });

  it('onProgress sees every decision with its observation', async () => {
    const h = harness();
    const seen: string[] = [];
    await deploy(
      { ...h.deps(), onProgress: (d, o) => seen.push(`${d.phase}:${o.revisions.length}`) },
      input('a'),
    );
    assert.equal(seen.at(-1), 'promoted:1');
  });
});
