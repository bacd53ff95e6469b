/**
 * The log pump (supervisor/log-pump.ts), with real processes: a redacted app's output goes through
 * a pump of its own, so the app and its log outlive a `kill -9` of the process that spawned it (the
 * keeper), and the pump ends by EOF once the app is gone — also when the app dies with its parent.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { logWritten } from '../../../../src/targets/local/supervisor/exit-report.ts';
import { findSetpriv, spawnApp } from '../../../../src/targets/local/supervisor/spawn.ts';
import { isAlive, tempDir, until } from '../helpers.ts';

const SPAWN_TS = fileURLToPath(new URL('../../../../src/targets/local/supervisor/spawn.ts', import.meta.url));
const SECRET = 'pump-s3cret-value';
/** A line every 50 ms with the secret, on stdout and stderr in turn; on SIGTERM a last one. */
const TICKER = `let n = 0;
const say = (w) => (n % 2 ? process.stderr : process.stdout).write(w + ' ' + n++ + ' at ' + Date.now() + ' ' + process.env.TOKEN + '\\n');
setInterval(() => say('tick'), 50);
process.on('SIGTERM', () => { say('bye'); process.exit(0); });
`;

/** A process that spawns the ticker through spawnApp, says its pid, and waits to be killed. */
async function spawner(dir: string, dieWithParent: boolean): Promise<{ proc: ChildProcess; app: number }> {
  await writeFile(join(dir, 'ticker.mjs'), TICKER);
  await writeFile(
    join(dir, 'spawner.ts'),
    `import { openSync, closeSync } from 'node:fs';
import { spawnApp } from ${JSON.stringify(SPAWN_TS)};
const logFile = ${JSON.stringify(join(dir, 'app.log'))};
const fd = openSync(logFile, 'a', 0o600);
const child = spawnApp({ command: 'node ticker.mjs', cwd: ${JSON.stringify(dir)}, logFd: fd, logFile,
  env: { PATH: process.env.PATH, TOKEN: ${JSON.stringify(SECRET)} }, secretNames: ['TOKEN'], dieWithParent: ${dieWithParent} });
closeSync(fd);
process.stdout.write(child.pid + '\\n');
setInterval(() => {}, 1000);
`,
  );
  const proc = spawn(process.execPath, [join(dir, 'spawner.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const app = await new Promise<number>((resolve, reject) => {
    proc.stdout!.once('data', (b: Buffer) => resolve(Number(b.toString().trim())));
    proc.once('exit', (code) => reject(new Error(`the spawner exited with ${code}`)));
  });
  return { proc, app };
}

/** Pids of the log pumps writing into `logFile` (their fd 1). */
async function pumpsOf(logFile: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).map(Number).filter(Number.isInteger)) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
    if (!cmd.includes('log-pump.')) continue;
    if ((await readlink(`/proc/${pid}/fd/1`).catch(() => '')) === logFile && isAlive(pid)) found.push(pid);
  }
  return found;
}

const ticks = (log: string, after: number) =>
  [...log.matchAll(/^tick \d+ at (\d+) \[redacted:TOKEN\]$/gm)].filter((m) => Number(m[1]) > after).length;

test('a redacted app outlives a kill -9 of its spawner, its later lines reach the log redacted, and its pump ends with it', {
  timeout: 30_000,
}, async (t) => {
  const dir = await tempDir(t, 'slipway-pump-');
  const logFile = join(dir, 'app.log');
  const { proc, app } = await spawner(dir, false);
  t.after(() => {
    for (const pid of [proc.pid, app]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  const [pump] = await until('the pump', async () =>
    (await pumpsOf(logFile)).length ? pumpsOf(logFile) : undefined,
  );
  assert.ok(pump);
  const cmdline = await readFile(`/proc/${pump}/cmdline`, 'latin1');
  assert.ok(!cmdline.includes(SECRET), "the secret is not on the pump's command line");
  assert.ok(
    !(await readFile(`/proc/${app}/environ`, 'latin1')).includes('SLIPWAY_LOG_PUMP'),
    "the app does not see the pump's variable",
  );

  await until('some lines', async () => (ticks(await readFile(logFile, 'utf8'), 0) >= 4 ? true : undefined));
  proc.kill('SIGKILL');
  const killedAt = Date.now();
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(isAlive(app), true, 'the app outlives its spawner');
  assert.ok(
    ticks(await readFile(logFile, 'utf8'), killedAt + 100) >= 10,
    'lines written after the kill are logged',
  );

  process.kill(app, 'SIGTERM');
  await until(
    'the app and its pump to end',
    async () => (!isAlive(app) && (await pumpsOf(logFile)).length === 0 ? true : undefined),
    5000,
  );
  const log = await readFile(logFile, 'utf8');
  assert.match(
    log,
    /^bye \d+ at \d+ \[redacted:TOKEN\]\n$/m,
    'the last line reached the file before the pump ended',
  );
  assert.ok(!log.includes(SECRET), 'the log holds no raw secret');
  assert.equal((await stat(logFile)).mode & 0o777, 0o600);
});

test('an app that dies with its spawner (parent-death signal): the pump still writes what it got and ends by EOF', {
  timeout: 30_000,
  skip: findSetpriv() ? false : 'setpriv is not installed (npm run prerequisites)',
}, async (t) => {
  const dir = await tempDir(t, 'slipway-pump-');
  const logFile = join(dir, 'app.log');
  const { proc, app } = await spawner(dir, true);
  t.after(() => {
    for (const pid of [proc.pid, app]) if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  await until('some lines', async () => (ticks(await readFile(logFile, 'utf8'), 0) >= 4 ? true : undefined));
  proc.kill('SIGKILL');
  await until(
    'the app and its pump to end',
    async () => (!isAlive(app) && (await pumpsOf(logFile)).length === 0 ? true : undefined),
    5000,
  );
  const log = await readFile(logFile, 'utf8');
  assert.ok(ticks(log, 0) >= 4);
  assert.ok(!log.includes(SECRET));
});

/** spawnApp in this process, TOKEN the secret; resolves once the app has exited. */
async function runRedacted(dir: string, command: string) {
  const logFile = join(dir, 'app.log');
  const fd = openSync(logFile, 'a', 0o600);
  const child = spawnApp({
    command,
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', TOKEN: SECRET },
    logFd: fd,
    logFile,
    secretNames: ['TOKEN'],
  });
  closeSync(fd);
  await new Promise((r) => child.once('exit', r));
  return { child, logFile };
}

test('logDone settles once the pump has written the last bytes, a value split across writes included', async (t) => {
  const { child, logFile } = await runRedacted(
    await tempDir(t, 'slipway-pump-'),
    // stderr first; then stdout cuts the value in two writes 100 ms apart (the pump holds the first part).
    `node -e "console.error('e=${SECRET}'); setTimeout(() => process.stdout.write('a=${SECRET.slice(0, 5)}'), 50); setTimeout(() => process.stdout.write('${SECRET.slice(5)}!'), 150)"`,
  );
  assert.ok(child.logDone, 'a redacted app has a pump to wait for');
  await child.logDone;
  const log = await readFile(logFile, 'utf8');
  assert.equal(
    log,
    'e=[redacted:TOKEN]\na=[redacted:TOKEN]!',
    'the last bytes, with no newline, are in the file',
  );
});

test("an exit seen by a process that did not start the pump (an app taken over from a dead keeper) waits for the pump's last bytes", async (t) => {
  // The app exits at once; what it forked writes 300 ms later, so the pump ends well after the exit.
  const { child, logFile } = await runRedacted(
    await tempDir(t, 'slipway-pump-'),
    `sh -c '(sleep 0.3; echo "late $TOKEN") & exit 0'`,
  );
  // What the daemon holds for such an app: pid and exit, no `logDone`.
  const stranger = { pid: child.pid, exitCode: 0, signalCode: null, kill: () => true, once: () => stranger };
  await logWritten(stranger, logFile);
  assert.equal(await readFile(logFile, 'utf8'), 'late [redacted:TOKEN]\n');
  assert.deepEqual(await pumpsOf(logFile), []);
});
