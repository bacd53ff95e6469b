/**
 * Entry of the keeper: `node keeper/main.ts --state-dir <dir>`, the process the CLI starts (or a
 * systemd/launchd unit runs, see `slipway local install`). It forks the daemon and keeps it alive:
 * a daemon that dies for any reason but a requested shutdown is started again at once (then with a
 * backoff if it keeps dying), with no CLI running. Meanwhile the proxies and the app processes live
 * here (`host.ts`), so users keep being served by the last route table; the new daemon adopts them.
 * SIGTERM or SIGINT stop the daemon gracefully, then the keeper.
 *
 * With `--successor` it is the standby a daemon starts once its own keeper died (entries/daemon/
 * main.ts): the daemon, now holding the proxies and apps itself, is its parent and tells it what
 * it holds on every change. The standby waits; if that daemon dies as well, it binds the proxies
 * with the last tables at once, watches the apps by pid, and forks a new daemon that adopts them:
 * from then on it is an ordinary keeper. So no single death, and no two in a row, stop routing.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { StatePaths } from '../state/paths.ts';
import { ensurePrivateFolder } from '../state/permissions.ts';
import { KeeperHost } from './host.ts';
import { claimPidFile } from './pid-file.ts';
import {
  type FromKeeper,
  type FromStandby,
  KEEPER_VAR,
  type StandbyState,
  type ToKeeper,
  type ToStandby,
} from './protocol.ts';
import { RestartPolicy } from './restart-policy.ts';

const { values } = parseArgs({
  options: { 'state-dir': { type: 'string' }, successor: { type: 'boolean' } },
});
if (!values['state-dir']) {
  process.stderr.write('usage: keeper/main.ts --state-dir <folder>\n');
  process.exit(2);
}
const paths = new StatePaths(values['state-dir']);
const log = (msg: string, fields: Record<string, unknown> = {}): void => {
  process.stdout.write(
    `${JSON.stringify({ time: Date.now(), pid: process.pid, keeper: true, msg, ...fields })}\n`,
  );
};

// Run by a service unit, the keeper may be the first to touch the folder (0700, refused when others can write it).
ensurePrivateFolder(paths.root);
if (!(await claimPidFile(paths.keeperPid, paths.root))) {
  log('another keeper already serves this state folder; exiting');
  process.exit(0);
}

const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
// The daemon process entry sits above targets/ and dashboard/ (it mounts the dashboard): src/entries/.
const DAEMON_MAIN = fileURLToPath(new URL(`../../../entries/daemon/main.${ext}`, import.meta.url));
/** How long a graceful stop may take before the keeper kills what is left. */
const STOP_GRACE_MS = 60_000;

let daemon: ChildProcess | undefined;
let stopping = false;
/** Standby only: the daemon that forked us (not our child) and what it last said it holds. */
let watched: number | undefined = values.successor && process.send ? process.ppid : undefined;
let standby: StandbyState = { proxies: [], apps: [] };
const policy = new RestartPolicy();
const host = new KeeperHost({ emit: (e) => send(e), log });

function send(message: FromKeeper): void {
  if (daemon?.connected) daemon.send(message);
}

function startDaemon(): void {
  const child = fork(DAEMON_MAIN, ['--state-dir', paths.root], {
    env: { ...process.env, [KEEPER_VAR]: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  daemon = child;
  policy.started(Date.now());
  child.on('message', (m: ToKeeper) => void onMessage(child, m));
  child.once('exit', (code, signal) => {
    if (daemon === child) daemon = undefined;
    if (stopping) return void finish();
    const delay = policy.nextDelay(Date.now());
    log('daemon exited; starting it again', { code, signal, inMs: delay });
    setTimeout(startDaemon, delay);
  });
}

async function onMessage(child: ChildProcess, m: ToKeeper): Promise<void> {
  if (!('id' in m)) {
    if (m.op === 'stopping') stopping = true;
    else {
      try {
        host.notice(m);
      } catch (err) {
        log(`notice ${m.op} failed: ${(err as Error).message}`);
      }
    }
    return;
  }
  try {
    const value = await host.request(m);
    if (child.connected) child.send({ id: m.id, ok: true, value } satisfies FromKeeper);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const error = { message: e.message, ...(e.code ? { code: e.code } : {}) };
    if (child.connected) child.send({ id: m.id, ok: false, error } satisfies FromKeeper);
  }
}

let finishing: Promise<void> | undefined;
/** Whatever the daemon left running goes too; then the keeper exits. */
function finish(): Promise<void> {
  finishing ??= (async () => {
    await host.close(10_000);
    await rm(paths.keeperPid, { force: true });
    log('keeper stopped');
    process.exit(0);
  })();
  return finishing;
}

function stop(): void {
  if (stopping && !daemon && watched === undefined) return void finish();
  stopping = true;
  if (daemon) daemon.kill('SIGTERM');
  // The daemon we stand by stops gracefully too; we finish when its channel closes.
  else if (watched !== undefined) process.kill(watched, 'SIGTERM');
  else void finish();
  setTimeout(() => {
    daemon?.kill('SIGKILL');
    void finish();
  }, STOP_GRACE_MS).unref();
}

/** Standby: the daemon we stand by died (or stopped on purpose: then so do we). */
async function takeOver(): Promise<void> {
  const pid = watched;
  watched = undefined;
  if (stopping) return void finish();
  const t0 = performance.now();
  const failed = await host.hold(standby);
  log('the daemon we stood by is gone; serving its proxies and watching its apps, starting a new daemon', {
    daemonPid: pid,
    proxies: standby.proxies.map((p) => p.settings.port),
    apps: standby.apps.length,
    failed,
    ms: Math.round(performance.now() - t0),
  });
  startDaemon();
}

process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (watched !== undefined) {
  process.on('message', (m: ToStandby) => {
    if (m.op === 'stopping') stopping = true;
    else standby = m.state;
  });
  process.once('disconnect', () => void takeOver());
  // The daemon may have died while we booted: then its channel is closed already.
  if (!process.connected) void takeOver();
  else {
    process.send?.({ op: 'ready' } satisfies FromStandby);
    log('standby keeper started', { stateDir: paths.root, daemonPid: watched });
  }
} else {
  startDaemon();
  log('keeper started', { stateDir: paths.root });
}
