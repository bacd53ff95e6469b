/**
 * Fault campaign (issue 13), the ledger rows of `npm run bench:faults`, each produced in the real
 * file while the daemon serves under a probe: a torn tail, a garbage line in the middle, an emptied
 * ledger. `slipway local doctor` must name the file (and line) and the fix; routing is untouched
 * (0 failed requests); a torn or garbage line loses no release.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptiedLedger, garbageLine, type Row, tornTail } from '../../bench/faults/rows.ts';

function check(row: Row, message: RegExp): void {
  console.log(`${row.fault}: ${JSON.stringify(row)}`);
  assert.equal(row.detected, true, row.message);
  assert.match(row.message, message);
  assert.match(row.message, /fix|doctor/);
  assert.equal(row.failed, 0, 'routing does not read the ledger');
}

test('a torn ledger tail: doctor names file, line and fix; no release is lost', {
  timeout: 180_000,
}, async (t) => {
  const row = await tornTail(t);
  check(row, /ledger\.development\.jsonl line \d+: torn last line/);
  assert.deepEqual(row.lost, []);
});

test('a garbage line mid-ledger: doctor names file, line 2 and fix; no release is lost', {
  timeout: 180_000,
}, async (t) => {
  const row = await garbageLine(t);
  check(row, /ledger\.development\.jsonl line 2: not a slipway record/);
  assert.deepEqual(row.lost, []);
});

test('an emptied ledger: detected against progress and runtime files, named with the fix', {
  timeout: 180_000,
}, async (t) => {
  const row = await emptiedLedger(t);
  check(row, /ledger\.development\.jsonl: no record of releases 1, 2/);
});
