import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deploy, sendCommand } from '../../src/engine/api.ts';
import { LockLostError } from '../../src/engine/errors.ts';
import { acquireLock } from '../../src/engine/lock.ts';
import { LockHeldError } from '../../src/engine/target.ts';
import { harness, until } from '../support/engine.ts';
import { deployInput, STRATEGIES } from '../support/specs.ts';

const manual = { ...STRATEGIES['blue-green'], autoPromote: false, prePromotionAnalysis: false };

describe('environment lock', () => {
  it('a second deploy while one runs gets LockHeldError naming the holder', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(manual));
    const running = deploy({ ...h.deps('alice@ci-7:4242'), lockTtlMs: 30_000 }, deployInput(manual));
    await until(() => h.decisions.at(-1)?.phase === 'paused', h);

    const err = await deploy(h.deps('bob@laptop:99'), deployInput(manual)).catch((e: unknown) => e);
    assert.ok(err instanceof LockHeldError);
    assert.equal(err.holder, 'alice@ci-7:4242');
    assert.match(err.message, /locked by alice@ci-7:4242 until /);

    await sendCommand(h.target, 'test', { kind: 'promote', at: h.clock.now() });
    assert.equal((await running).kind, 'promoted');
    assert.equal(h.target.lockHolder(), undefined);
  });

  it('a long operation renews its lock: it never lapses while the engine runs', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(manual));
    const running = deploy({ ...h.deps('alice'), lockTtlMs: 10_000 }, deployInput(manual));
    await until(() => h.decisions.at(-1)?.phase === 'paused', h);
    for (let i = 0; i < 30; i++) {
      await h.clock.sleep(7_000); // longer than half the TTL each time: 210 s in all
      assert.equal(h.target.lockHolder(), 'alice', `lock lapsed after ${(i + 1) * 7} s`);
    }
    await sendCommand(h.target, 'test', { kind: 'promote', at: h.clock.now() });
    assert.equal((await running).kind, 'promoted');
  });

  it('with waitForLock, the second deploy waits for the first and then runs', async () => {
    const h = harness();
    await deploy(h.deps(), deployInput(manual));
    const first = deploy(h.deps('alice'), deployInput(manual));
    await until(() => h.decisions.at(-1)?.phase === 'paused', h);
    const second = deploy({ ...h.deps('bob'), waitForLock: true }, deployInput(STRATEGIES.canary));
    await h.clock.sleep(60_000);
    assert.equal(h.target.lockHolder(), 'alice', 'bob is still waiting');
    await sendCommand(h.target, 'test', { kind: 'promote', at: h.clock.now() });
    assert.equal((await first).release, 2);
    const out = await second;
    assert.equal(out.release, 3);
    assert.equal(out.kind, 'promoted');
  });

  it('a lock always expires: a dead holder blocks only until its TTL', async () => {
    const h = harness();
    await h.target.lock('dead@host:1', 30_000); // never renewed, never released
    await assert.rejects(
      acquireLock(h.target, { holder: 'me', ttlMs: 30_000, clock: h.clock }),
      LockHeldError,
    );
    h.clock.advance(29_999);
    await assert.rejects(
      acquireLock(h.target, { holder: 'me', ttlMs: 30_000, clock: h.clock }),
      LockHeldError,
    );
    h.clock.advance(1);
    const held = await acquireLock(h.target, { holder: 'me', ttlMs: 30_000, clock: h.clock });
    assert.equal(held.lock.holder, 'me');
  });

  it('a lock taken over after expiry is reported as lost, not silently renewed', async () => {
    const h = harness();
    const held = await acquireLock(h.target, { holder: 'slow', ttlMs: 10_000, clock: h.clock });
    h.clock.advance(10_000);
    await h.target.lock('fast', 10_000);
    await assert.rejects(held.keepAlive(), LockLostError);
  });
});
