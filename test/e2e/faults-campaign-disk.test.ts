/**
 * Fault campaign (issue 13), the storage rows of `npm run bench:faults`: the state folder on a 16 MB
 * tmpfs, then filled to the last byte (disk full), or covered by a read-only bind mount. The next
 * deploy must fail saying which folder and how to fix it; users keep being served (0 failed
 * requests) and history loses nothing. Needs root (mount); skipped otherwise.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diskFault } from '../../bench/faults/rows.ts';

const skip = process.getuid?.() === 0 ? false : 'needs root to mount a tmpfs';

for (const kind of ['full', 'read-only'] as const) {
  test(`state folder ${kind}: the deploy fails naming the folder and the fix; routing and history untouched`, {
    skip,
    timeout: 180_000,
  }, async (t) => {
    const row = await diskFault(t, kind);
    console.log(`${row.fault}: ${JSON.stringify(row)}`);
    assert.equal(row.detected, true, row.message);
    assert.match(
      row.message,
      kind === 'full' ? /is full: ENOSPC.*Fix: free space/ : /read-only file system.*Fix: remount/,
    );
    assert.match(row.message, /\.slipway/);
    assert.equal(row.failed, 0);
    assert.deepEqual(row.lost, []);
  });
}
