/** The state folder: crash-safe files, the ledger as JSON lines, and the lock lease. */
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { LockHeldError } from '../../../src/engine/target.ts';
import { writeFileAtomic } from '../../../src/targets/local/state/atomic.ts';
import { FileLedger } from '../../../src/targets/local/state/ledger.ts';
import { LeaseLost, LeaseStore } from '../../../src/targets/local/state/lock.ts';
import { checkEnvironmentName, StatePaths } from '../../../src/targets/local/state/paths.ts';
import { tempDir } from './helpers.ts';
import { ledgerRecord } from './state-helpers.ts';

const record = ledgerRecord;

test('atomic writes replace the file whole, leave no temp file and honour the mode', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'daemon.token');
  await writeFileAtomic(file, 'one\n', { mode: 0o600 });
  await writeFileAtomic(file, 'two\n', { mode: 0o600 });
  assert.equal(await readFile(file, 'utf8'), 'two\n');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['daemon.token']);
});

test('the ledger folds begin/finish lines into records, per environment', async (t) => {
  const paths = new StatePaths(await tempDir(t));
  const dev = new FileLedger(paths, 'development');
  const prod = new FileLedger(paths, 'production');
  await dev.begin(record(1));
  await dev.append({ kind: 'started', release: 1, at: 1, reason: 'deploy' });
  await dev.finish(1, 'promoted', ['healthy'], 50);
  await dev.begin(record(2));
  await dev.finish(2, 'rolled-back', ['5xx on candidate'], 90);
  await prod.begin(record(1));
  const releases = await dev.releases();
  assert.deepEqual(
    releases.map((r) => [r.release, r.outcome, r.finishedAt]),
    [
      [1, 'promoted', 50],
      [2, 'rolled-back', 90],
    ],
  );
  assert.equal((await dev.lastPromoted())?.release, 1);
  assert.deepEqual(await dev.events(1), [{ kind: 'started', release: 1, at: 1, reason: 'deploy' }]);
  assert.equal((await prod.releases()).length, 1);
  await assert.rejects(dev.begin(record(2)), /release 2 already exists in the development ledger/);
});

test('a torn last line (crash mid-append) is skipped on read (faults: see state-faults.test.ts)', async (t) => {
  const paths = new StatePaths(await tempDir(t));
  const ledger = new FileLedger(paths, 'development');
  await ledger.begin(record(1));
  await appendFile(paths.ledger('development'), '{"type":"begin","rec');
  assert.equal((await ledger.releases()).length, 1);
  assert.deepEqual(ledger.problems(), []);
});

test('progress memos and operator commands round-trip', async (t) => {
  const ledger = new FileLedger(new StatePaths(await tempDir(t)), 'staging');
  assert.equal(await ledger.loadProgress(3), undefined);
  await ledger.saveProgress(3, { step: 2, judge: { n: 10 } });
  await ledger.saveProgress(3, { step: 3 });
  assert.deepEqual(await ledger.loadProgress(3), { step: 3 });
  await ledger.command(3, { kind: 'pause', at: 5 });
  await ledger.command(4, { kind: 'abort', at: 6 });
  assert.deepEqual(await ledger.commands(3), [{ kind: 'pause', at: 5 }]);
});

test('lock: a live lease is refused naming its holder; an expired one is taken over', async (t) => {
  let now = 1_000_000;
  const store = new LeaseStore(new StatePaths(await tempDir(t)), () => now);
  const a = await store.acquire('production', 'alice@laptop (pid 1)', 30_000);
  await assert.rejects(store.acquire('production', 'bob@ci (pid 2)', 30_000), (err: unknown) => {
    assert.ok(err instanceof LockHeldError);
    assert.equal(err.holder, 'alice@laptop (pid 1)');
    assert.match(err.message, /locked by alice@laptop \(pid 1\) until/);
    return true;
  });
  await store.acquire('staging', 'bob@ci (pid 2)', 30_000); // other environments are independent
  now += 30_001;
  const b = await store.acquire('production', 'bob@ci (pid 2)', 30_000);
  await assert.rejects(store.renew('production', a.id, 30_000), LeaseLost);
  await store.release('production', a.id); // a stale holder cannot release the new lease
  assert.equal((await store.current('production'))?.holder, 'bob@ci (pid 2)');
  await store.renew('production', b.id, 60_000);
  assert.equal((await store.current('production'))?.expiresAt, now + 60_000);
  await store.release('production', b.id);
  assert.equal(await store.current('production'), undefined);
});

test('environment names are checked before they become file names', () => {
  assert.equal(checkEnvironmentName('staging-2'), 'staging-2');
  assert.throws(() => checkEnvironmentName('../etc'), /invalid environment name "..\/etc"/);
});
