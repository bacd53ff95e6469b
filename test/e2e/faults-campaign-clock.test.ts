/**
 * Fault campaign (issue 13), the clock rows of `npm run bench:faults`: the wall clock of the keeper,
 * the daemon and the CLI jumps two hours forward or back (libfaketime, apt package `faketime`; the
 * monotonic clock is left alone, as an NTP step leaves it). Users must not notice, and `status` and
 * the next deploy must work; a jump while a canary pauses must leave the pause its length (the
 * engine's clock is monotonic within a process, engine/clock.ts). Skipped where libfaketime is not installed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clockJump, clockJumpMidRelease, hasFaketime } from '../../bench/faults/rows.ts';

const skip = (await hasFaketime()) ? false : 'libfaketime is not installed (apt-get install faketime)';

for (const jump of ['+2h', '-2h'] as const) {
  test(`the wall clock jumps ${jump}: no request fails, status and the next deploy work`, {
    skip,
    timeout: 180_000,
  }, async (t) => {
    const row = await clockJump(t, jump);
    console.log(`${row.fault}: ${JSON.stringify(row)}`);
    assert.equal(row.detected, true, `${row.message} (${row.notes})`);
    assert.equal(row.failed, 0);
    assert.deepEqual(row.lost, []);
  });
}

for (const jump of ['+2h', '-2h'] as const) {
  test(`the wall clock jumps ${jump} while a canary pauses 10 s: the pause keeps its length, the release is promoted`, {
    skip,
    timeout: 180_000,
  }, async (t) => {
    const row = await clockJumpMidRelease(t, jump);
    console.log(`${row.fault}: ${JSON.stringify(row)}`);
    assert.equal(row.detected, true, `${row.message} (${row.notes})`);
    // 10 s of pause and the promotion after it: not two hours, not at once.
    const took = Number(/took (\d+) ms/.exec(row.notes ?? '')?.[1]);
    assert.ok(took >= 8000 && took < 30_000, `the rest of the release took ${took} ms`);
    assert.equal(row.failed, 0);
    assert.deepEqual(row.lost, []);
  });
}
