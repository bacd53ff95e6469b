/**
 * Fault campaign (issue 13), the state-file rows of `npm run bench:faults`: garbage written for real
 * into daemon.json, a wrong daemon.token, and garbage in the lock, a progress memo, a runtime file and
 * the commands file, while the daemon serves under a probe. The daemon's own files are put right by
 * the daemon (its log says so); the others are named by `slipway local doctor` with the problem.
 * Routing never notices (0 failed requests) and no release is lost.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { garbageFile } from '../../bench/faults/rows.ts';

const CASES = [
  // Healed by the daemon (its log: "rewritten"), or named by doctor first ("the running daemon rewrites it").
  ['daemon.json', /daemon\.json.*rewr(itten|ites it)/],
  ['daemon.token (wrong)', /daemon\.token.*rewr(itten|ites it)/],
  ['lock', /lock\.development\.json: not valid JSON/],
  ['progress', /progress\/development\.2\.json: not valid JSON/],
  ['runtime', /runtime\/development\/2\.json: not valid JSON/],
  ['commands', /commands\.development\.jsonl line 1: /],
] as const;

for (const [which, message] of CASES) {
  test(`garbage in ${which}: detected and named, routing untouched, nothing lost`, {
    timeout: 120_000,
  }, async (t) => {
    const row = await garbageFile(t, which);
    console.log(`${row.fault}: ${JSON.stringify(row)}`);
    assert.equal(row.detected, true, row.message);
    assert.match(row.message, message);
    assert.equal(row.failed, 0);
    assert.deepEqual(row.lost, []);
  });
}
