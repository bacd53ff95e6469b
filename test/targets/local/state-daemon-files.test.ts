/**
 * Garbage in `daemon.json` or a wrong `daemon.token`: the running daemon puts them right by itself,
 * `local status` says what is wrong without a stack trace, and `local down` stops the daemon and its
 * keeper anyway (found by pid files), never "no daemon running" while it still serves.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DaemonClient, ensureDaemon } from '../../../src/targets/local/daemon/client.ts';
import { stopLocalDaemon } from '../../../src/targets/local/daemon/stop.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { stopEverything } from './daemon-helpers.ts';
import { isAlive, tempDir, until } from './helpers.ts';

const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).href;
const run = promisify(execFile);

async function slipway(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  try {
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script, ...args], {
      timeout: 90_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function started(t: import('node:test').TestContext) {
  const dir = await tempDir(t, 'slipway-local-', (d) => stopEverything(new StatePaths(join(d, '.slipway'))));
  const paths = new StatePaths(join(dir, '.slipway'));
  const client = await ensureDaemon(paths.root);
  return { paths, client };
}

test('garbage daemon.json and a wrong token: local down still stops the daemon and its keeper', async (t) => {
  const { paths, client } = await started(t);
  const pids = [client.info.pid, client.info.keeperPid].filter((p): p is number => p !== undefined);
  await writeFile(paths.daemonInfo, 'GARBAGE{');
  await writeFile(paths.daemonToken, 'not-the-token\n');
  const report = await stopLocalDaemon(paths.root, 20_000);
  assert.equal(report.stopped, true);
  t.diagnostic(`stopped by ${report.how}: ${report.notes.join('; ')}`);
  if (report.how === 'signal') assert.match(report.notes.join(), /daemon\.json is damaged \(not valid JSON/);
  for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
  assert.equal((await stopLocalDaemon(paths.root)).stopped, false, 'then nothing is left to stop');
});

test('the running daemon rewrites a damaged daemon.json and a replaced token; status works again', async (t) => {
  const { paths, client } = await started(t);
  const token = (await readFile(paths.daemonToken, 'utf8')).trim();
  await writeFile(paths.daemonInfo, '{"pid": "nope"}');
  await writeFile(paths.daemonToken, `${'0'.repeat(64)}\n`);
  await until(
    'daemon files put right',
    async () => ((await (await DaemonClient.read(paths.root))?.healthy()) ? true : undefined),
    6000,
  );
  assert.equal((await readFile(paths.daemonToken, 'utf8')).trim(), token);
  const status = await slipway('local', 'status', '--state-dir', paths.root, '--json');
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).pid, client.info.pid);
  assert.match(await readFile(paths.daemonLog, 'utf8'), /did not match this daemon; rewritten/);
});

test('local down by the CLI with garbage daemon.json: no stack trace, the daemon is gone', async (t) => {
  const { paths, client } = await started(t);
  await writeFile(paths.daemonInfo, '\u0000\u0001garbage');
  const down = await slipway('local', 'down', '--state-dir', paths.root);
  assert.equal(down.code, 0, down.stderr);
  assert.match(down.stdout, /daemon stopped/);
  assert.doesNotMatch(down.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(isAlive(client.info.pid), false);
});
