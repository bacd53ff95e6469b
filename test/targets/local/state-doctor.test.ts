/**
 * `slipway local doctor`: every fault of the state folder found and explained; `--fix` repairs what
 * is safe (bytes kept in sidecars), and a second run finds nothing left.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { doctor } from '../../../src/targets/local/state/doctor.ts';
import { FileLedger } from '../../../src/targets/local/state/ledger.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { tempDir } from './helpers.ts';
import { ledgerRecord } from './state-helpers.ts';

const ENV = 'development';
const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).href;

async function damagedFolder(t: import('node:test').TestContext) {
  const paths = new StatePaths(join(await tempDir(t), '.slipway'));
  await mkdir(paths.root, { mode: 0o700 });
  const ledger = new FileLedger(paths, ENV);
  for (let n = 1; n <= 3; n++) {
    await ledger.begin(ledgerRecord(n));
    await ledger.saveProgress(n, {
      version: 2,
      spec: {
        service: 'hello',
        artifact: { digest: `sha256:${'a'.repeat(64)}` },
        strategy: { kind: 'canary' },
      },
    });
    await ledger.finish(n, 'promoted', ['ok'], n);
  }
  await ledger.command(3, { kind: 'pause', at: 1 });
  const file = paths.ledger(ENV);
  const lines = (await readFile(file, 'utf8')).split('\n');
  lines[1] = lines[1]!.replace('promoted', 'promotex'); // release 1's finish: checksum breaks
  await writeFile(file, `${lines.join('\n')}half a line`);
  await appendFile(paths.commands(ENV), 'GARBAGE\n');
  await writeFile(paths.lock(ENV), '{"id":');
  await writeFile(paths.progress(ENV, 2), 'nope');
  await mkdir(dirname(paths.runtime(ENV, 1)), { recursive: true });
  await writeFile(paths.runtime(ENV, 1), '{"runtime":');
  await writeFile(paths.daemonToken, `${'1'.repeat(64)}\n`, { mode: 0o644 });
  await chmod(paths.daemonToken, 0o644);
  await writeFile(join(paths.root, '.lock.development.json.999999.deadbeef.tmp'), 'x');
  return { paths, ledger };
}

test('doctor explains each problem with its fix; --fix repairs them and keeps the bytes', async (t) => {
  const { paths, ledger } = await damagedFolder(t);
  const found = await doctor(paths, { fix: false, daemonRunning: false });
  const byFile = found.map((f) => `${f.file}${f.line ? `:${f.line}` : ''}`);
  for (const want of [
    'daemon.token',
    'ledger.development.jsonl:2',
    'ledger.development.jsonl:7',
    'commands.development.jsonl:2',
    'lock.development.json',
    'progress/development.2.json',
    'runtime/development/1.json',
    '.lock.development.json.999999.deadbeef.tmp',
  ]) {
    assert.ok(byFile.includes(want), `finds ${want} (found: ${byFile.join(', ')})`);
  }
  assert.ok(found.every((f) => f.fix.length > 0 && f.repaired === undefined));
  assert.match(found.find((f) => f.line === 2)!.problem, /checksum mismatch/);

  const fixed = await doctor(paths, { fix: true, daemonRunning: false });
  assert.ok(
    fixed.filter((f) => !f.notice).every((f) => f.repaired),
    JSON.stringify(fixed, null, 1),
  );
  const again = await doctor(paths, { fix: false, daemonRunning: false });
  assert.deepEqual(
    again.filter((f) => !f.notice),
    [],
    'nothing left after --fix',
  );
  assert.ok(again.some((f) => f.notice && f.file === 'ledger.development.jsonl.corrupt'));
  // History reads; the damaged finish line is in the sidecar with its bytes.
  assert.deepEqual(
    (await ledger.releases()).map((r) => r.release),
    [1, 2, 3],
  );
  assert.match(await readFile(`${paths.ledger(ENV)}.corrupt`, 'utf8'), /promotex/);
  assert.deepEqual(
    (await ledger.commands(3)).map((c) => c.kind),
    ['pause'],
  );
});

test('doctor --fix rebuilds the records of an emptied ledger from progress memos; numbers stay taken', async (t) => {
  const { paths, ledger } = await damagedFolder(t);
  await truncate(paths.ledger(ENV), 0);
  await assert.rejects(ledger.releases(), /has no record of releases 1, 2, 3/);
  const found = await doctor(paths, { fix: true, daemonRunning: false });
  assert.ok(found.some((f) => /no record of releases/.test(f.problem) && f.repaired === 'rebuilt 3 records'));
  const records = await ledger.releases();
  assert.deepEqual(
    records.map((r) => [r.release, r.outcome]),
    [
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ],
  );
  assert.match(records[0]!.reasons[0]!, /rebuilt by slipway local doctor --fix from .*outcome is unknown/);
  await assert.rejects(ledger.begin(ledgerRecord(3)), /already exists/);
});

test('slipway local doctor exits 4 while problems remain, 0 once fixed', async (t) => {
  const { paths } = await damagedFolder(t);
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  const run = (...args: string[]) =>
    promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, 'local', 'doctor', '--state-dir', paths.root, ...args],
      { timeout: 60_000 },
    ).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  const check = await run();
  assert.equal(check.code, 4, check.stderr);
  assert.match(check.stdout, /problem: ledger\.development\.jsonl line 2: checksum mismatch/);
  assert.match(check.stdout, /problems left \(slipway local doctor --fix repairs what is safe\)/);
  const fix = await run('--fix');
  assert.equal(fix.code, 0, fix.stdout);
  assert.match(fix.stdout, /repaired: moved into ledger\.development\.jsonl\.corrupt/);
  assert.match(fix.stdout, /repaired; nothing left to fix/);
});
