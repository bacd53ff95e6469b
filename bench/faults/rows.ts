/**
 * The fault campaign's rows: each produces one fault for real against a workspace served by the
 * local target on 127.0.0.1 (v1 then v2 promoted, a GapProbe sending GET / every 10 ms), and says
 * what users and the operator saw. Shared by `bench/faults/run.ts` (the table) and the
 * `test/e2e/faults-campaign-*.test.ts` files (which assert each row's promises).
 */
import { execFileSync } from 'node:child_process';
import { appendFile, mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DaemonClient, isAlive, StatePaths } from '../../src/targets/local/index.ts';
import { GapProbe, type GapReport } from '../../test/e2e/support/gap.ts';
import { type RunResult, type Workspace, workspace } from '../../test/e2e/support/workspace.ts';
import { freeProxyPort } from '../../test/targets/local/helpers.ts';

export const ENV = 'development';

export interface Row {
  fault: string;
  /** The fault was noticed: a log line, a message, a status field. */
  detected: boolean;
  /** What the user or operator is told (one line), or what the log says. */
  message: string;
  /** Requests of the probe that failed while the fault lasted. */
  failed: number;
  /** Longest stretch without an answered request (ms). */
  gapMs: number;
  /** Releases in history before that are missing or changed after (empty: none lost). */
  lost: string[];
  /** The same probe's longest gap over 2 s before the fault: what the machine's load alone costs. */
  baselineGapMs: number;
  /** Extra numbers worth printing. */
  notes?: string;
}

/** What `workspace()` needs of a TestContext: somewhere to register cleanups. */
export interface Scope {
  after(fn: () => unknown): void;
}

export interface Served {
  ws: Workspace;
  paths: StatePaths;
  probe: GapProbe;
  history: string[];
  baselineGapMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Workspaces take a port below the ephemeral range (freeProxyPort): the probes' and the CLIs'
// outgoing connections take ephemeral ports by the thousand, and one of them once took the workspace's.

/** v1 then v2 promoted (rolling), a probe running and marked: what each fault starts from. */
export async function served(scope: Scope, env?: NodeJS.ProcessEnv): Promise<Served> {
  const ws = await workspace(scope as unknown as TestContext, await freeProxyPort());
  for (const version of ['1.0.0', '2.0.0']) {
    await ws.write({ env: { APP_VERSION: version } });
    const r = await ws.run(['deploy', '--env', ENV], env ? { env } : {});
    if (r.code !== 0) throw new Error(`deploy ${version} failed: ${r.stdout}${r.stderr}`);
  }
  return { ws, ...(await probed(scope, ws)) };
}

/** Starts the probe, measures the baseline gap over 2 s, then marks: what follows is the fault's. */
async function probed(scope: Scope, ws: Workspace): Promise<Omit<Served, 'ws'>> {
  const probe = new GapProbe(`http://127.0.0.1:${ws.port}`, 10).start();
  scope.after(() => probe.stop());
  const history = await historyKeys(ws);
  await sleep(300);
  probe.mark();
  await sleep(2000);
  const baselineGapMs = probe.report().longestGapMs;
  probe.mark();
  return { paths: new StatePaths(ws.stateDir), probe, history, baselineGapMs };
}

async function historyKeys(ws: Workspace): Promise<string[]> {
  return (await ws.history()).map((h) => `${h.release}:${h.outcome ?? 'in flight'}`);
}

/** Stops the probe, compares history, and builds the row. */
async function finish(
  s: Served,
  fault: string,
  detected: boolean,
  message: string,
  notes?: string,
): Promise<Row & { report: GapReport }> {
  const report = await s.probe.stop();
  const after = await historyKeys(s.ws);
  const lost = s.history.filter((h) => !after.includes(h));
  return {
    fault,
    detected,
    message: oneLine(message),
    failed: report.failed,
    gapMs: report.longestGapMs,
    lost,
    baselineGapMs: s.baselineGapMs,
    report,
    ...(notes ? { notes } : {}),
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 600);
}

function output(r: RunResult): string {
  return `${r.stdout}\n${r.stderr}`;
}

/** The first line of `text` matching `re` (with the next when it says the fix), or the whole text. */
function pick(text: string, re: RegExp): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => re.test(l));
  if (at === -1) return text;
  const next = lines[at + 1] ?? '';
  return /fix/i.test(next) && !/fix/i.test(lines[at]!) ? `${lines[at]} ${next}` : lines[at]!;
}

async function daemonLog(s: Served): Promise<string> {
  return readFile(s.paths.daemonLog, 'utf8').catch(() => '');
}

/** The daemon log once it says a daemon file was rewritten, or as it is after 15 s. */
async function healLog(s: Served): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    const log = await daemonLog(s);
    if (/rewritten/.test(log) || Date.now() - t0 > 15_000) return log;
    await sleep(200);
  }
}

export async function killDaemon(scope: Scope): Promise<Row> {
  const s = await served(scope);
  const before = (await DaemonClient.read(s.ws.stateDir))!;
  process.kill(before.info.pid, 'SIGKILL');
  const t0 = Date.now();
  let api = -1;
  while (Date.now() - t0 < 60_000) {
    const c = await DaemonClient.read(s.ws.stateDir);
    if (c && c.info.pid !== before.info.pid && (await c.healthy())) {
      api = Date.now() - t0;
      break;
    }
    await sleep(50);
  }
  await sleep(1000);
  const log = await daemonLog(s);
  const line = pick(log, /daemon exited; starting it again/);
  return finish(s, 'kill -9 daemon', /daemon exited/.test(log), line, `new daemon's API after ${api} ms`);
}

export async function killKeeper(scope: Scope): Promise<Row> {
  const s = await served(scope);
  const before = (await DaemonClient.read(s.ws.stateDir))!;
  process.kill(before.info.keeperPid!, 'SIGKILL');
  await sleep(3000);
  const log = await daemonLog(s);
  const line = pick(log, /the keeper is gone/);
  const status = await s.ws.run(['status', '--env', ENV]);
  return finish(
    s,
    'kill -9 keeper',
    /the keeper is gone/.test(log) && isAlive(before.info.pid),
    line,
    `status after: exit ${status.code}`,
  );
}

/**
 * Two deaths in a row, no CLI: the keeper, then (once its standby keeper runs) the daemon. The
 * standby serves the last tables and starts a new daemon that adopts the apps (keeper/standby.ts).
 */
export async function killKeeperThenDaemon(scope: Scope): Promise<Row> {
  const s = await served(scope);
  const before = (await DaemonClient.read(s.ws.stateDir))!;
  process.kill(before.info.keeperPid!, 'SIGKILL');
  const t0 = Date.now();
  let standby: number | undefined;
  while (standby === undefined && Date.now() - t0 < 30_000) {
    const c = await DaemonClient.read(s.ws.stateDir).catch(() => undefined);
    if (c?.info.keeperPid !== undefined && c.info.keeperPid !== before.info.keeperPid)
      standby = c.info.keeperPid;
    else await sleep(50);
  }
  if (standby !== undefined) process.kill(before.info.pid, 'SIGKILL');
  const t1 = Date.now();
  let api = -1;
  while (standby !== undefined && Date.now() - t1 < 60_000) {
    const c = await DaemonClient.read(s.ws.stateDir).catch(() => undefined);
    if (c && c.info.pid !== before.info.pid && (await c.healthy())) {
      api = Date.now() - t1;
      break;
    }
    await sleep(50);
  }
  await sleep(1000);
  const log = await daemonLog(s);
  const line = pick(log, /the daemon we stood by is gone/);
  return finish(
    s,
    'kill -9 keeper, then daemon',
    standby !== undefined && api >= 0 && /the daemon we stood by is gone/.test(log),
    line,
    `standby ${standby ?? 'never started'}; new daemon's API after ${api} ms`,
  );
}

/** Starts `deploy` of v3 as a canary: 20 %, then a pause of `pause`. */
async function deployCanary(s: Served, pause: string, env?: NodeJS.ProcessEnv) {
  await s.ws.write({
    env: { APP_VERSION: '3.0.0' },
    strategy: `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: { duration: ${pause} }`,
  });
  return s.ws.start(['deploy', '--env', ENV], env ? { env } : {});
}

/**
 * kill -9 of the deploying CLI at a point of a canary of v3: `at` is 'pausing' (the canary holds 20 %)
 * or a delay in ms after the CLI started (before the canary, or while promoting). Then `status`,
 * then the same deploy with --wait resumes the release.
 */
export async function killCli(scope: Scope, at: 'pausing' | 'promoting' | number): Promise<Row> {
  const s = await served(scope);
  const cli = await deployCanary(s, '2s');
  let out = '';
  cli.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  if (at === 'pausing' || at === 'promoting') {
    const t0 = Date.now();
    while (!out.includes('pausing') && Date.now() - t0 < 60_000) await sleep(50);
    // The 2 s pause ends, then the full promotion moves traffic to 100 % and retires v2.
    if (at === 'promoting') await sleep(2000 + Math.round(Math.random() * 300));
  } else await sleep(at);
  cli.kill('SIGKILL');
  await new Promise((r) => cli.once('close', r));
  const status = await s.ws.run(['status', '--env', ENV]);
  const again = await s.ws.run(['deploy', '--env', ENV, '--wait'], { timeoutMs: 120_000 });
  const text = output(again);
  const history = await s.ws.history();
  const last = history.at(-1);
  const resumed = /left unfinished; resuming it first|already|promoted/.test(text);
  return finish(
    s,
    `kill -9 CLI ${typeof at === 'number' ? `${at} ms into deploy` : at === 'pausing' ? 'while canary pauses' : 'while promoting'}`,
    resumed,
    pick(text, /unfinished|resum|promoted|rolled/),
    `status exit ${status.code}; re-run exit ${again.code}; last release ${last?.release} ${last?.outcome}`,
  );
}

/** A damaged state file while the daemon runs; then `slipway local doctor` and a deploy. */
async function damaged(
  scope: Scope,
  fault: string,
  damage: (s: Served) => Promise<string>,
  expect: RegExp,
): Promise<Row> {
  const s = await served(scope);
  const file = await damage(s);
  const doctor = await s.ws.run(['local', 'doctor']);
  await s.ws.write({ env: { APP_VERSION: '3.0.0' } });
  const deploy = await s.ws.run(['deploy', '--env', ENV]);
  // The daemon heals daemon.json and daemon.token itself (every 2 s): its log says so. On a loaded
  // machine its timer can lag behind doctor and deploy, so wait for that line (bounded) when it applies.
  const healed = pick(
    await (file.endsWith('daemon.json') || file.endsWith('daemon.token') ? healLog(s) : daemonLog(s)),
    /did not match this daemon; rewritten/,
  );
  // The daemon's own line first: doctor may have seen the garbage before the daemon's timer put it
  // right (then it says so, "the running daemon rewrites it"), and either is the row's message.
  const text = `${/rewritten/.test(healed) ? healed : ''}\n${output(doctor)}\n${output(deploy)}`;
  const name = file.split('/').at(-1)!;
  const line = pick(
    text,
    new RegExp(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*(damaged|not|torn|no record|rewritten)`),
  );
  return finish(s, fault, expect.test(text), line, `doctor exit ${doctor.code}; deploy exit ${deploy.code}`);
}

export const tornTail = (scope: Scope) =>
  damaged(
    scope,
    'torn ledger tail',
    async (s) => {
      await appendFile(s.paths.ledger(ENV), '1a2b3c4d {"release":9,"outc');
      return s.paths.ledger(ENV);
    },
    /ledger\.development\.jsonl/,
  );

export const garbageLine = (scope: Scope) =>
  damaged(
    scope,
    'garbage line mid-ledger',
    async (s) => {
      const file = s.paths.ledger(ENV);
      const lines = (await readFile(file, 'utf8')).split('\n');
      lines.splice(1, 0, 'GARBAGE not a record');
      await writeFile(file, lines.join('\n'));
      return file;
    },
    /ledger\.development\.jsonl line 2: not a slipway record/,
  );

export const emptiedLedger = (scope: Scope) =>
  damaged(
    scope,
    'emptied ledger',
    async (s) => {
      await truncate(s.paths.ledger(ENV), 0);
      return s.paths.ledger(ENV);
    },
    /has no record of releases/,
  );

export const garbageFile = (
  scope: Scope,
  which: 'daemon.json' | 'daemon.token (wrong)' | 'lock' | 'progress' | 'runtime' | 'commands',
) =>
  damaged(
    scope,
    `garbage in ${which}`,
    async (s) => {
      const file = {
        'daemon.json': s.paths.daemonInfo,
        'daemon.token (wrong)': s.paths.daemonToken,
        lock: s.paths.lock(ENV),
        progress: s.paths.progress(ENV, 2),
        runtime: s.paths.runtime(ENV, 2),
        commands: s.paths.commands(ENV),
      }[which];
      await writeFile(file, which === 'daemon.token (wrong)' ? 'f'.repeat(64) : 'GARBAGE{');
      return file;
    },
    which.startsWith('daemon') ? /rewritten/ : /not valid JSON|damaged|not a slipway record/,
  );

/** Runs `mount` as root (we are in CI and here); throws with its output otherwise. */
function mount(args: string[]): void {
  execFileSync('mount', args, { stdio: 'pipe' });
}

/**
 * The state folder on a small tmpfs, then filled (disk full) or remounted read-only: routing keeps
 * serving v2, and the next deploy says what failed where.
 */
export async function diskFault(scope: Scope, kind: 'full' | 'read-only'): Promise<Row> {
  const ws = await workspace(scope as unknown as TestContext, await freeProxyPort());
  const { mkdir } = await import('node:fs/promises');
  await mkdir(ws.stateDir, { recursive: true, mode: 0o700 });
  mount(['-t', 'tmpfs', '-o', 'size=16m,mode=0700', 'tmpfs', ws.stateDir]);
  scope.after(() => {
    try {
      execFileSync('umount', ['-l', ws.stateDir], { stdio: 'pipe' });
    } catch {}
  });
  for (const version of ['1.0.0', '2.0.0']) {
    await ws.write({ env: { APP_VERSION: version } });
    const r = await ws.run(['deploy', '--env', ENV]);
    if (r.code !== 0) throw new Error(`deploy ${version} failed: ${r.stdout}${r.stderr}`);
  }
  const s: Served = { ws, ...(await probed(scope, ws)) };
  if (kind === 'full') {
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${ws.stateDir}/filler`, 'bs=64k'], { stdio: 'pipe' });
    } catch {} // ENOSPC ends it: the point
  } else {
    // A read-only bind mount on top: `remount,ro` of the tmpfs itself is refused (EBUSY) while the
    // daemon holds daemon.log open for writing; the new mount has no writers yet.
    mount(['--bind', ws.stateDir, ws.stateDir]);
    mount(['-o', 'remount,bind,ro', ws.stateDir]);
  }
  await ws.write({ env: { APP_VERSION: '3.0.0' } });
  const deploy = await ws.run(['deploy', '--env', ENV], { timeoutMs: 120_000 });
  const text = output(deploy);
  const line = pick(text, /ENOSPC|EROFS|no space|read-only|error|failed/i);
  // Undo the fault before reading history (history must not need a writable folder, but status may).
  if (kind === 'full') execFileSync('rm', ['-f', `${ws.stateDir}/filler`]);
  else execFileSync('umount', [ws.stateDir], { stdio: 'pipe' });
  const row = await finish(
    s,
    kind === 'full' ? 'disk full (tmpfs state folder)' : 'read-only state folder',
    deploy.code !== 0 && /ENOSPC|EROFS|space|read-only/i.test(text),
    line,
    `deploy exit ${deploy.code}`,
  );
  // Stopped here, while the folder is still mounted (the workspace's own cleanup runs first).
  await ws.run(['local', 'down']);
  execFileSync('umount', [ws.stateDir], { stdio: 'pipe' });
  return row;
}

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';

/** Whether libfaketime (apt package `faketime`) is installed: the clock rows need it. */
export async function hasFaketime(): Promise<boolean> {
  return readFile(LIBFAKETIME).then(
    () => true,
    () => false,
  );
}

/**
 * The wall clock jumps while a canary of v3 pauses 10 s (libfaketime on CLI, keeper and daemon): the
 * pause must still take about 10 s (not 2 h, not 0), the lease must hold, and the release end promoted.
 */
export async function clockJumpMidRelease(scope: Scope, jump: '+2h' | '-2h'): Promise<Row> {
  const { env, file } = await fakeClock(scope);
  const s = await served(scope, env);
  const cli = await deployCanary(s, '10s', env);
  let out = '';
  cli.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  cli.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const t0 = Date.now();
  while (!out.includes('pausing') && Date.now() - t0 < 60_000) await sleep(50);
  const t1 = Date.now();
  await writeFile(file, `${jump}\n`);
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => cli.kill('SIGKILL'), 60_000);
    cli.once('close', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  const pausedMs = Date.now() - t1;
  const last = (await s.ws.history()).at(-1);
  return finish(
    s,
    `clock jumps ${jump} while a canary pauses 10 s`,
    code === 0 && last?.outcome === 'promoted' && pausedMs < 30_000,
    pick(out, /release \d+ (promoted|rolled back|failed)|released|expired|lock/),
    `deploy exit ${code}; the rest of the release took ${pausedMs} ms after the jump; release ${last?.release} ${last?.outcome}`,
  );
}

/** libfaketime's environment with an offset file starting at +0. */
async function fakeClock(scope: Scope): Promise<{ env: NodeJS.ProcessEnv; file: string }> {
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(`${tmpdir()}/slipway-faketime-`);
  scope.after(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
  const file = `${dir}/offset`;
  await writeFile(file, '+0\n');
  const env = {
    LD_PRELOAD: LIBFAKETIME,
    FAKETIME_TIMESTAMP_FILE: file,
    FAKETIME_NO_CACHE: '1',
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
  };
  return { env, file };
}

/**
 * The wall clock jumps (`+2h` or `-2h`) under the keeper, the daemon and the CLI alike: they run
 * with libfaketime preloaded, reading the offset from a file at every call, and the file changes
 * after v2 is promoted. The monotonic clock is left alone, as an NTP step leaves it. Then `status`
 * and a deploy of v3 must work, and users must not notice.
 */
export async function clockJump(scope: Scope, jump: '+2h' | '-2h'): Promise<Row> {
  const { env, file } = await fakeClock(scope);
  const s = await served(scope, env);
  await writeFile(file, `${jump}\n`);
  await sleep(3000);
  const status = await s.ws.run(['status', '--env', ENV], { env });
  await s.ws.write({ env: { APP_VERSION: '3.0.0' } });
  const deploy = await s.ws.run(['deploy', '--env', ENV], { env, timeoutMs: 120_000 });
  const last = (await s.ws.history()).at(-1);
  const text = output(deploy);
  return finish(
    s,
    `clock jumps ${jump} (libfaketime)`,
    status.code === 0 && deploy.code === 0 && last?.outcome === 'promoted',
    pick(text, /promoted|rolled|failed|error|lock|expired/i),
    `status exit ${status.code}; deploy exit ${deploy.code}; release ${last?.release} ${last?.outcome}`,
  );
}

export const ROWS: { name: string; run: (scope: Scope) => Promise<Row> }[] = [
  { name: 'kill -9 daemon', run: killDaemon },
  { name: 'kill -9 keeper', run: killKeeper },
  { name: 'kill -9 keeper, then daemon', run: killKeeperThenDaemon },
  { name: 'kill -9 CLI while canary pauses', run: (s) => killCli(s, 'pausing') },
  { name: 'kill -9 CLI 300 ms into deploy', run: (s) => killCli(s, 300) },
  { name: 'kill -9 CLI while promoting', run: (s) => killCli(s, 'promoting') },
  { name: 'torn ledger tail', run: tornTail },
  { name: 'garbage line mid-ledger', run: garbageLine },
  { name: 'emptied ledger', run: emptiedLedger },
  { name: 'garbage daemon.json', run: (s) => garbageFile(s, 'daemon.json') },
  { name: 'wrong daemon.token', run: (s) => garbageFile(s, 'daemon.token (wrong)') },
  { name: 'garbage lock', run: (s) => garbageFile(s, 'lock') },
  { name: 'garbage progress', run: (s) => garbageFile(s, 'progress') },
  { name: 'garbage runtime', run: (s) => garbageFile(s, 'runtime') },
  { name: 'garbage commands', run: (s) => garbageFile(s, 'commands') },
  { name: 'disk full', run: (s) => diskFault(s, 'full') },
  { name: 'read-only state folder', run: (s) => diskFault(s, 'read-only') },
  { name: 'clock jumps forward', run: (s) => clockJump(s, '+2h') },
  { name: 'clock jumps back', run: (s) => clockJump(s, '-2h') },
  { name: 'clock jumps forward mid-release', run: (s) => clockJumpMidRelease(s, '+2h') },
  { name: 'clock jumps back mid-release', run: (s) => clockJumpMidRelease(s, '-2h') },
  { name: 'kill -9 keeper, app logs a secret', run: (s) => killKeeperRedacted(s) },
  { name: 'kill -9 keeper, then daemon, app logs a secret', run: (s) => killKeeperRedacted(s, true) },
];

/** The secret the redacted row's app logs; long enough to be redacted. */
export const LOGGED_SECRET = 'h13p-s3cr3t-value';

/**
 * The hello bundle plus a line every 100 ms that holds its secret, on stdout and stderr in turn
 * (each a pipe to the log pump); on SIGUSR2 a last line, then exit 3.
 */
const SECRET_LOGGER = `let n = 0;
const say = (what) =>
  (n % 2 ? process.stderr : process.stdout).write(\`\${what} \${n++} pid \${process.pid} at \${Date.now()} token=\${process.env.API_TOKEN}\\n\`);
setInterval(() => say('tick'), 100);
process.on('SIGUSR2', () => {
  say('bye');
  process.exit(3);
});
await import('./server.mjs');
`;

export interface RedactedRow extends Row {
  report: GapReport;
  appPid: number;
  /** The app still ran with the same pid 3 s after the keeper's death. */
  appAlive: boolean;
  /** `tick` lines the app (this pid) wrote from 500 ms after the (last) death: in the log, redacted. */
  ticksAfter: number;
  /** Times the secret's value appears in the log file. */
  leaks: number;
  /** What the daemon said (status) of the app's exit after SIGUSR2, taken over from the dead keeper. */
  lastExit: string;
}

/**
 * kill -9 of the keeper while an app whose log is redacted writes a line every 100 ms. The app's
 * output goes through a log pump, not through the keeper, so the app keeps running and its lines
 * keep reaching the log, redacted; then the app prints a last line and exits, and the daemon (which
 * took the app over) quotes that line in the instance's last exit. `thenDaemon`: once the standby
 * keeper runs, kill -9 of the daemon too; the new daemon adopts the app (and its reaper spares the pump).
 */
export async function killKeeperRedacted(scope: Scope, thenDaemon = false): Promise<RedactedRow> {
  const ws = await workspace(scope as unknown as TestContext, await freeProxyPort());
  await writeFile(join(ws.dir, 'app', 'secret-logger.mjs'), SECRET_LOGGER);
  await mkdir(ws.stateDir, { recursive: true, mode: 0o700 });
  await writeFile(join(ws.stateDir, `secrets.${ENV}.env`), `API_TOKEN=${LOGGED_SECRET}\n`, { mode: 0o600 });
  await ws.write({
    env: { APP_VERSION: '1.0.0' },
    start: 'node secret-logger.mjs',
    extra: 'secrets:\n  API_TOKEN: { source: file, key: API_TOKEN }\n',
  });
  const r = await ws.run(['deploy', '--env', ENV]);
  if (r.code !== 0) throw new Error(`deploy failed: ${r.stdout}${r.stderr}`);
  const s: Served = { ws, ...(await probed(scope, ws)) };
  const instance = async () => {
    const st = await ws.json<{ revisions: { release: number; instances: InstanceStatus[] }[] }>([
      'status',
      '--env',
      ENV,
    ]);
    const rev = st.revisions[0]!;
    return { release: rev.release, ...rev.instances[0]! };
  };
  const before = await instance();
  const appPid = before.pid!;
  const logFile = s.paths.instanceLog(ENV, before.release, before.index);
  const first = (await DaemonClient.read(ws.stateDir))!.info;
  let killedAt = Date.now();
  process.kill(first.keeperPid!, 'SIGKILL');
  if (thenDaemon) {
    const t0 = Date.now();
    for (;;) {
      const info = (await DaemonClient.read(ws.stateDir).catch(() => undefined))?.info;
      if (info?.keeperPid !== undefined && info.keeperPid !== first.keeperPid) break;
      if (Date.now() - t0 > 30_000) throw new Error('no standby keeper within 30 s');
      await sleep(50);
    }
    killedAt = Date.now();
    process.kill(first.pid, 'SIGKILL');
  }
  await sleep(3000);
  const appAlive = isAlive(appPid);
  const log = await readFile(logFile, 'utf8');
  const ticksAfter = [...log.matchAll(/^tick \d+ pid (\d+) at (\d+) token=\[redacted:API_TOKEN\]$/gm)].filter(
    (m) => Number(m[1]) === appPid && Number(m[2]) > killedAt + 500,
  ).length;
  const leaks = log.split(LOGGED_SECRET).length - 1;
  const said = thenDaemon ? /the daemon we stood by is gone/ : /the keeper is gone/;
  const gone = said.test(await daemonLog(s));
  const row = await finish(
    s,
    `kill -9 keeper${thenDaemon ? ', then daemon' : ''}, app logs a secret`,
    gone && appAlive && ticksAfter > 0,
    `${ticksAfter} lines logged after the ${thenDaemon ? "daemon's" : "keeper's"} death, redacted; ${leaks} raw`,
  );
  // The daemon watches the orphaned app by pid: on its exit it quotes the log's tail.
  let lastExit = '';
  if (appAlive) process.kill(appPid, 'SIGUSR2');
  const t0 = Date.now();
  while (appAlive && !/bye/.test(lastExit) && Date.now() - t0 < 15_000) {
    await sleep(200);
    lastExit = (await instance().catch(() => undefined))?.lastExit ?? '';
  }
  return { ...row, appPid, appAlive, ticksAfter, leaks, lastExit, notes: `last exit: ${oneLine(lastExit)}` };
}

interface InstanceStatus {
  index: number;
  pid?: number;
  lastExit?: string;
}
