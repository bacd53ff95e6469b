/**
 * Bad bytes in every file of the state folder: each is found, named with its file (and line) and
 * the fix, and costs at most the damaged record: the rest of history reads, and nothing is glued,
 * reused or silently shown as empty.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { test } from 'node:test';
import { frame, unframe } from '../../../src/targets/local/state/frame.ts';
import { FileLedger, LedgerLostError } from '../../../src/targets/local/state/ledger.ts';
import { LeaseStore, LockDamagedError } from '../../../src/targets/local/state/lock.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { readRuntime } from '../../../src/targets/local/state/runtime-file.ts';
import { fixtureConfig } from './config-helpers.ts';
import { tempDir } from './helpers.ts';
import { ledgerRecord } from './state-helpers.ts';

const ENV = 'development';
const record = ledgerRecord;

async function ledgerWith(t: import('node:test').TestContext, releases: number) {
  const paths = new StatePaths(await tempDir(t));
  const ledger = new FileLedger(paths, ENV);
  for (let n = 1; n <= releases; n++) {
    await ledger.begin(record(n));
    await ledger.saveProgress(n, { version: 2, step: n });
    await mkdir(dirname(paths.runtime(ENV, n)), { recursive: true });
    await writeFile(paths.runtime(ENV, n), '{}\n');
    await ledger.finish(n, 'promoted', [`release ${n} healthy`], 10 * n);
  }
  return { paths, ledger, file: paths.ledger(ENV) };
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

test('every ledger line carries its CRC32; old unframed JSON lines still read', async (t) => {
  const { ledger, file } = await ledgerWith(t, 1);
  for (const line of await lines(file)) assert.match(line, /^[0-9a-f]{8} \{/);
  assert.deepEqual(unframe(frame('{"a":1}')), { ok: true, payload: '{"a":1}', framed: true });
  // A ledger written by slipway before framing: plain JSON lines, then a framed append.
  await appendFile(file, `${JSON.stringify({ type: 'begin', record: record(2) })}\n`);
  await ledger.finish(2, 'rolled-back', ['5xx'], 99);
  assert.deepEqual(
    (await ledger.releases()).map((r) => [r.release, r.outcome]),
    [
      [1, 'promoted'],
      [2, 'rolled-back'],
    ],
  );
  assert.deepEqual(ledger.problems(), []);
});

test('a torn tail is moved to the .corrupt sidecar and cut off before the next append, never glued', async (t) => {
  const { paths, ledger, file } = await ledgerWith(t, 1);
  const torn = frame(JSON.stringify({ type: 'begin', record: record(2) })).slice(0, 40);
  await appendFile(file, torn);
  assert.equal((await ledger.releases()).length, 1, 'the torn line is not a record');
  await ledger.append({ kind: 'started', release: 1, at: 5, reason: 'after the crash' });
  const all = await lines(file);
  assert.equal(all.length, 3);
  for (const line of all) assert.equal(unframe(line).ok, true, `intact: ${line.slice(0, 30)}`);
  assert.deepEqual(await ledger.events(1), [
    { kind: 'started', release: 1, at: 5, reason: 'after the crash' },
  ]);
  const sidecar = (await lines(`${file}.corrupt`)).map((l) => JSON.parse(l));
  assert.equal(sidecar.length, 1);
  assert.equal(Buffer.from(sidecar[0].base64, 'base64').toString(), torn, 'its bytes are kept');
  assert.match(sidecar[0].problem, /torn last line/);
  assert.ok(paths.root);
});

test('an intact last line that only lost its newline is kept, and the next record goes on its own line', async (t) => {
  const { ledger, file } = await ledgerWith(t, 1);
  await truncate(file, (await readFile(file)).length - 1);
  await ledger.append({ kind: 'started', release: 1, at: 5, reason: 'x' });
  assert.equal((await ledger.releases())[0]?.outcome, 'promoted');
  assert.equal((await ledger.events(1)).length, 1);
});

test('a damaged line in the middle is reported with file, line and fix; the rest of history reads', async (t) => {
  const { ledger, file } = await ledgerWith(t, 3);
  const all = await lines(file);
  // One flipped byte inside release 2's finish line (line 4): JSON still parses, the checksum does not.
  all[3] = all[3]!.replace('healthy', 'healthx');
  all[1] = 'GARBAGE';
  await writeFile(file, `${all.join('\n')}\n`);
  const records = await ledger.releases();
  assert.deepEqual(
    records.map((r) => [r.release, r.outcome]),
    [
      [1, undefined],
      [2, undefined],
      [3, 'promoted'],
    ],
  );
  const problems = ledger.problems();
  assert.deepEqual(
    problems.map((p) => p.line),
    [2, 4],
  );
  assert.match(problems[0]!.message, /ledger\.development\.jsonl line 2 is damaged: not a slipway record/);
  assert.match(problems[1]!.message, /line 4 is damaged: checksum mismatch/);
  assert.match(problems[0]!.fix, /slipway local doctor --fix --state-dir /);
  assert.equal((await ledger.lastPromoted())?.release, 3, 'the last good state stays known');
});

test('a schema-invalid line (valid JSON, wrong shape) is damaged too, naming the field', async (t) => {
  const { ledger, file } = await ledgerWith(t, 1);
  await appendFile(
    file,
    `${frame(JSON.stringify({ type: 'finish', release: 1, outcome: 'done', reasons: [], at: 1 }))}\n`,
  );
  await ledger.releases();
  assert.match(ledger.problems()[0]!.message, /line 3 is damaged: not the expected shape: outcome: /);
});

test('an emptied ledger is detected against progress memos and runtime files, not shown as no releases', async (t) => {
  const { ledger, file } = await ledgerWith(t, 5);
  await truncate(file, 0);
  const err = await ledger.releases().then(
    () => assert.fail('an emptied ledger must not read as empty'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof LedgerLostError);
  assert.deepEqual(err.lost, [1, 2, 3, 4, 5]);
  assert.match(err.message, /ledger\.development\.jsonl has no record of releases 1, 2, 3, 4, 5/);
  assert.match(err.message, /progress\/development\.1\.json/);
  assert.match(err.message, /slipway local doctor --fix/);
  // The next deploy would number its release 1: refused, so "released" is never reported for it.
  await assert.rejects(ledger.begin(record(1)), /release 1 of development cannot begin: .*has lost/);
});

test('a truncated ledger (newest records cut) is detected the same way', async (t) => {
  const { ledger, file } = await ledgerWith(t, 3);
  const all = await lines(file);
  await writeFile(file, `${all.slice(0, 2).join('\n')}\n`);
  await assert.rejects(
    ledger.releases(),
    (e: unknown) => e instanceof LedgerLostError && e.lost.join() === '2,3',
  );
});

test('a damaged progress memo reads as none (resume starts over from the record) and is reported', async (t) => {
  const { paths, ledger } = await ledgerWith(t, 1);
  await writeFile(paths.progress(ENV, 1), '{"release": 1, "progress": {"ver');
  assert.equal(await ledger.loadProgress(1), undefined);
  const [problem] = ledger.problems();
  assert.equal(problem?.file, paths.progress(ENV, 1));
  assert.match(problem!.message, /is damaged: not valid JSON .*resumes from its ledger record/);
  await ledger.saveProgress(1, { version: 2 });
  assert.deepEqual(ledger.problems(), [], 'a save replaces it');
});

test('a damaged operator command line is skipped and reported; the others still apply', async (t) => {
  const { paths, ledger } = await ledgerWith(t, 1);
  await ledger.command(1, { kind: 'pause', at: 1 });
  await appendFile(paths.commands(ENV), 'G\u0000rbage\n');
  await ledger.command(1, { kind: 'resume', at: 2 });
  assert.deepEqual(
    (await ledger.commands(1)).map((c) => c.kind),
    ['pause', 'resume'],
  );
  assert.match(ledger.problems()[0]!.message, /commands\.development\.jsonl line 2 is damaged/);
});

test('a damaged lock file: nobody takes the lock (message names the file and fix); its holder carries on', async (t) => {
  const paths = new StatePaths(await tempDir(t));
  const leases = new LeaseStore(paths, () => 1000);
  const held = await leases.acquire(ENV, 'alice', 60_000);
  await writeFile(paths.lock(ENV), '{"id": "x", "hold');
  await assert.rejects(
    leases.acquire(ENV, 'bob', 60_000),
    (e: unknown) =>
      e instanceof LockDamagedError &&
      /lock\.development\.json is damaged \(not valid JSON/.test(e.message) &&
      /slipway local doctor --fix/.test(e.message),
  );
  const renewed = await leases.renew(ENV, held.id, 60_000);
  assert.equal(renewed.id, held.id);
  assert.match(await readFile(`${paths.lock(ENV)}.corrupt`, 'utf8'), /"hold/);
  await leases.release(ENV, held.id);
  assert.equal(await leases.current(ENV), undefined);
});

test('a damaged runtime file is rebuilt from the ledger record (bytes kept in the sidecar)', async (t) => {
  const paths = new StatePaths(await tempDir(t));
  const config = fixtureConfig(43111, { env: { APP_VERSION: 'v1' } });
  const rec = record(1, { config });
  await mkdir(dirname(paths.runtime(ENV, 1)), { recursive: true });
  await writeFile(paths.runtime(ENV, 1), 'GARBAGE');
  const saved = await readRuntime(paths, ENV, rec);
  assert.match(
    saved.rebuilt ?? '',
    /runtime\/development\/1\.json is damaged \(not valid JSON.*rebuilt from the ledger record/,
  );
  assert.equal(saved.runtime.release, 1);
  assert.equal(saved.runtime.digest, rec.digest);
  assert.equal(saved.runtime.env.APP_VERSION, 'v1');
  assert.equal(saved.proxy.port, 43111);
  assert.match(await readFile(`${paths.runtime(ENV, 1)}.corrupt`, 'utf8'), /GARBAGE/);
});
