/**
 * Fault campaign (issue 13), the process rows of `npm run bench:faults`: kill -9 of the daemon, and of
 * the deploying CLI at two points of a release (while the canary pauses; 300 ms in, before the
 * canary). The keeper row is faults-campaign-keeper.test.ts. Users must see no failed request (the
 * keeper's proxy never stops), history loses nothing, and the re-run resumes the release.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killCli, killDaemon, type Row } from '../../bench/faults/rows.ts';

/** The issue's 500 ms, with room for a loaded 2-core machine: the probe's own stalls are the baseline. */
function assertGap(row: Row): void {
  const limit = Math.max(1000, row.baselineGapMs + 500);
  assert.ok(row.gapMs <= limit, `${row.fault}: longest gap ${row.gapMs} ms > ${limit} ms`);
}

function print(row: Row): void {
  console.log(`${row.fault}: ${JSON.stringify(row)}`);
}

test('kill -9 of the daemon under load: no request fails, the keeper restarts it, history intact', {
  timeout: 180_000,
}, async (t) => {
  const row = await killDaemon(t);
  print(row);
  assert.equal(row.detected, true, row.message);
  assert.match(row.message, /daemon exited; starting it again/);
  assert.equal(row.failed, 0);
  assertGap(row);
  assert.deepEqual(row.lost, []);
});

for (const at of ['pausing', 'promoting', 300] as const) {
  test(`kill -9 of the CLI ${typeof at === 'number' ? `${at} ms into a deploy` : `while the canary ${at === 'pausing' ? 'pauses' : 'promotes'}`}: routing unaffected, the re-run carries the release to promotion`, {
    timeout: 180_000,
  }, async (t) => {
    const row = await killCli(t, at);
    print(row);
    assert.equal(row.detected, true, row.message);
    assert.equal(row.failed, 0);
    assertGap(row);
    assert.deepEqual(row.lost, []);
    assert.match(row.notes ?? '', /re-run exit 0; last release 3 promoted/);
  });
}
