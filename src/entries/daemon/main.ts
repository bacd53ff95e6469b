/**
 * Entry of the detached daemon process: `node main.ts --state-dir <dir>`. One daemon per state
 * folder (guarded by `daemon.pid`); it restores routing, then serves the control API until
 * `POST /v1/shutdown`, SIGTERM or SIGINT, each of which stops every instance gracefully.
 *
 * It lives in src/entries/, above both targets/ and dashboard/, because it composes them: the
 * local target's daemon with the dashboard mounted into its server. The keeper forks this file
 * (targets/local/keeper/main.ts names its path).
 */
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mountDashboard } from '../../dashboard/daemon-mount.ts';
import { Daemon } from '../../targets/local/daemon/daemon.ts';
import { claimPidFile, readPidFile } from '../../targets/local/keeper/pid-file.ts';
import { type FromKeeper, KEEPER_VAR } from '../../targets/local/keeper/protocol.ts';
import { KeeperLink } from '../../targets/local/keeper/remote.ts';
import { Standby } from '../../targets/local/keeper/standby.ts';
import { startProxy } from '../../targets/local/proxy/index.ts';
import type { ProxySettings } from '../../targets/local/runtime.ts';
import { healDaemonFiles } from '../../targets/local/state/daemon-files.ts';
import { StatePaths } from '../../targets/local/state/paths.ts';
import { spawnApp } from '../../targets/local/supervisor/spawn.ts';

const { values } = parseArgs({ options: { 'state-dir': { type: 'string' } } });
const stateDir = values['state-dir'];
if (!stateDir) {
  process.stderr.write('usage: main.ts --state-dir <folder>\n');
  process.exit(2);
}
const paths = new StatePaths(stateDir);
/** JSON lines on stdout (daemon.log). A tiny logger: the daemon's boot time is restore time. */
const logger = {
  info(fields: Record<string, unknown> | string, msg?: string): void {
    const [f, m] = typeof fields === 'string' ? [{}, fields] : [fields, msg];
    process.stdout.write(`${JSON.stringify({ time: Date.now(), pid: process.pid, msg: m, ...f })}\n`);
  },
};

if (!(await claimPidFile(paths.daemonPid, paths.root))) {
  logger.info('another daemon already serves this state folder; exiting');
  process.exit(0);
}

// Forked by the keeper: proxies and apps live there and outlive this process.
const keeper =
  process.env[KEEPER_VAR] === '1' && process.send
    ? new KeeperLink({
        send: (m) => process.send?.(m),
        // Our own parent's messages, in the shapes of keeper/protocol.ts.
        onMessage: (listener) => process.on('message', (m) => listener(m as FromKeeper)),
      })
    : undefined;

const localProxy = (s: ProxySettings) =>
  startProxy({
    host: s.host ?? '127.0.0.1',
    port: s.port,
    sticky: s.sticky,
    retry: s.retry,
    latencyBoundMs: s.latencyBoundMs,
  });

let standby: Standby | undefined;
if (keeper) {
  // A keeper that died (kill -9, crash) closed the proxies' sockets; its apps live on. This daemon
  // serves the last tables itself at once (keeper/remote.ts takeOver), then starts a standby keeper
  // that takes all of it over if this daemon dies too (keeper/standby.ts).
  process.on('disconnect', async () => {
    const t0 = performance.now();
    // What it starts from now on must outlive it too, for the standby to hand it to the next daemon.
    const failed = await keeper.takeOver({
      startProxy: localProxy,
      spawn: (o) => spawnApp({ ...o, dieWithParent: false }),
    });
    logger.info(
      { ms: Math.round(performance.now() - t0), failed },
      'the keeper is gone; this daemon now serves the proxies and watches the apps itself, and starts a standby keeper',
    );
    standby = new Standby({
      paths,
      link: keeper,
      log: (msg, fields) => logger.info(fields ?? {}, msg),
      onPid: (pid) => {
        keeper.standbyPid = pid;
        // daemon.json names the keeper that is there now (`local down` and the CLI read it).
        void healDaemonFiles(paths, daemon.info(), daemon.token).catch(() => []);
      },
    });
    standby.start();
  });
}

const daemon = new Daemon({
  stateDir: paths.root,
  ...(keeper ? { keeper } : {}),
  startProxy: keeper ? keeper.startProxy : localProxy,
  log: (msg, fields) => logger.info(fields ?? {}, msg),
  onShutdown: () => void exit(),
  mount: (d) => mountDashboard(d, (msg, fields) => logger.info(fields ?? {}, msg)),
});

async function exit(): Promise<void> {
  // Told first, so that a daemon dying while it stops is not restarted: the keeper stops the rest.
  keeper?.notify({ op: 'stopping' });
  standby?.stopping();
  await daemon.close();
  await rm(paths.daemonPid, { force: true });
  logger.info('daemon stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void exit());
process.on('SIGINT', () => void exit());

// A daemon whose state folder was deleted (or taken over) serves nobody: stop rather than linger.
const watchdog = setInterval(async () => {
  // Read without blocking: a FIFO at the path must not pin a thread of this daemon (read-file.ts).
  const pid = await readPidFile(paths.daemonPid);
  if (pid !== process.pid) {
    clearInterval(watchdog);
    logger.info({ pidFile: paths.daemonPid }, 'state folder gone or taken over; stopping');
    await exit();
    return;
  }
  // daemon.json and daemon.token are ours: put them right when damaged or replaced (not listening yet: skip).
  const fixed = await (async () => healDaemonFiles(paths, daemon.info(), daemon.token))().catch(() => []);
  if (fixed.length)
    logger.info({ files: fixed }, 'daemon.json or daemon.token did not match this daemon; rewritten');
}, 2000);
watchdog.unref();

const info = await daemon.listen();
logger.info(
  { port: info.port, stateDir: paths.root, msSinceStart: Math.round(performance.now()) },
  'daemon listening',
);
const t0 = performance.now();
await daemon.restore();
logger.info({ ms: Math.round(performance.now() - t0) }, 'restore finished');
