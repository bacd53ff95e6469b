/**
 * Fault campaign (issue 13), the redacted-app row of `npm run bench:faults`: `kill -9` of the keeper
 * while an app whose environment holds a secret logs it every 100 ms. Its output goes through a log
 * pump of its own (supervisor/log-pump.ts), not through the keeper: the app keeps running with the
 * same pid, keeps answering, and the lines it writes after the keeper's death reach its log file,
 * redacted. When it then exits, the daemon (which took it over) quotes its last line, redacted. The
 * same after a second death (the daemon, once its standby keeper runs): the new daemon adopts the app.
 * Before the pump, the app's next write after the keeper's death failed with EPIPE and it crashed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { killKeeperRedacted, LOGGED_SECRET } from '../../bench/faults/rows.ts';

/** As faults-campaign-keeper.test.ts: the 500 ms, doubled for a loaded 2-core machine. */
const GAP_LIMIT_MS = 1000;

for (const thenDaemon of [false, true]) {
  const what = thenDaemon ? 'the keeper, then of the daemon,' : 'the keeper';
  test(`kill -9 of ${what} while a redacted app logs: the app lives on, its later lines reach the log redacted, the daemon quotes its last one`, {
    timeout: 180_000,
  }, async (t) => {
    const row = await killKeeperRedacted(t, thenDaemon);
    console.log(`${row.fault}: ${JSON.stringify(row)}`);
    assert.equal(row.appAlive, true, `app ${row.appPid} died`);
    assert.ok(row.ticksAfter >= 10, `only ${row.ticksAfter} lines reached the log after the death`);
    assert.equal(row.leaks, 0, 'the log holds the raw secret');
    assert.equal(row.detected, true, row.message);
    assert.ok(row.report.ok > 0, 'routing answers after the deaths');
    assert.ok(row.gapMs <= Math.max(GAP_LIMIT_MS, row.baselineGapMs + 500), `longest gap ${row.gapMs} ms`);
    // As in the keeper row: only requests in flight in a dead proxy or sent while the port was closed fail.
    assert.ok(row.failed <= row.gapMs / 10 + 20, JSON.stringify(row.report));
    assert.deepEqual(row.lost, []);
    assert.match(row.lastExit, /bye \d+ pid \d+ at \d+ token=\[redacted:API_TOKEN\]/, row.lastExit);
    assert.ok(!row.lastExit.includes(LOGGED_SECRET));
  });
}
