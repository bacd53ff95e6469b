import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { servingRevision } from '../../src/engine/api.ts';
import { systemClock } from '../../src/engine/clock.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

describe('clocks', () => {
  it('virtual clock: sleepers wake in due order and time jumps to each', async () => {
    const c = new VirtualClock(0);
    const woke: string[] = [];
    await Promise.all([
      c.sleep(5000).then(() => woke.push(`b@${c.now()}`)),
      c.sleep(1000).then(() => woke.push(`a@${c.now()}`)),
      c.sleep(5000).then(() => woke.push(`c@${c.now()}`)),
    ]);
    assert.deepEqual(woke, ['a@1000', 'b@5000', 'c@5000']);
  });

  it('virtual clock: an aborted sleep rejects and no longer holds time back', async () => {
    const c = new VirtualClock(0);
    const ac = new AbortController();
    const long = c.sleep(1_000_000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(long, /stop/);
    await c.sleep(10);
    assert.equal(c.now(), 10);
  });

  it('system clock: sleep(0) resolves, an aborted sleep rejects with the reason', async () => {
    await systemClock.sleep(0);
    const ac = new AbortController();
    const p = systemClock.sleep(60_000, ac.signal);
    ac.abort(new Error('cancelled'));
    await assert.rejects(p, /cancelled/);
  });
});

describe('servingRevision', () => {
  const rev = (release: number) => ({ release, desired: 2, ready: 2 });
  it('is the revision with the most traffic', () => {
    assert.equal(servingRevision({ revisions: [rev(1), rev(2)], weights: { '1': 10, '2': 90 } }, []), 2);
  });
  it('without routing, is the last promoted release when its revision still runs', () => {
    const record = { release: 3, outcome: 'promoted' as const, digest: 'd', configHash: 'c' };
    const records = [
      {
        ...record,
        environment: 'e',
        service: 's',
        config: {},
        strategy: 'canary',
        startedAt: 0,
        reasons: [],
      },
    ];
    assert.equal(servingRevision({ revisions: [rev(3)], weights: {} }, records), 3);
    assert.equal(servingRevision({ revisions: [], weights: {} }, records), undefined);
  });
});
