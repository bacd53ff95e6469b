/**
 * Entry of the detached daemon process: `node main.ts --state-dir <dir>`. One daemon per state
 * folder (guarded by `daemon.pid`); it restores routing, then serves the control API until
 * `POST /v1/shutdown`, SIGTERM or SIGINT, each of which stops every instance gracefully.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mountDashboard } from '../../../dashboard/daemon-mount.ts';
import { startProxy } from '../proxy/index.ts';
import { StatePaths } from '../state/paths.ts';
import { isAlive } from './client.ts';
import { Daemon } from './daemon.ts';

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

/** Takes `daemon.pid` exclusively; false when a live daemon already holds it. */
async function claimPidFile(): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(paths.daemonPid, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await fh.sync();
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(paths.daemonPid, 'utf8').catch(() => '')).trim());
      if (pid && isAlive(pid) && (await isDaemonOf(pid))) return false;
      await rm(paths.daemonPid, { force: true }); // left by a daemon that was killed
    }
  }
  return false;
}

/** Whether `pid` is a daemon of this folder, not an unrelated process that reused a dead daemon's pid. */
async function isDaemonOf(pid: number): Promise<boolean> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined ? true : cmdline.split('\0').includes(paths.root);
}

if (!(await claimPidFile())) {
  logger.info('another daemon already serves this state folder; exiting');
  process.exit(0);
}

const daemon = new Daemon({
  stateDir: paths.root,
  startProxy: (s) =>
    startProxy({
      host: s.host ?? '127.0.0.1',
      port: s.port,
      sticky: s.sticky,
      retry: s.retry,
      latencyBoundMs: s.latencyBoundMs,
    }),
  log: (msg, fields) => logger.info(fields ?? {}, msg),
  onShutdown: () => void exit(),
  mount: (d) => mountDashboard(d, (msg, fields) => logger.info(fields ?? {}, msg)),
});

async function exit(): Promise<void> {
  await daemon.close();
  await rm(paths.daemonPid, { force: true });
  logger.info('daemon stopped');
  process.exit(0);
}

process.on('SIGTERM', () => void exit());
process.on('SIGINT', () => void exit());

// A daemon whose state folder was deleted (or taken over) serves nobody: stop rather than linger.
const watchdog = setInterval(async () => {
  const pid = Number((await readFile(paths.daemonPid, 'utf8').catch(() => '')).trim());
  if (pid !== process.pid) {
    clearInterval(watchdog);
    logger.info({ pidFile: paths.daemonPid }, 'state folder gone or taken over; stopping');
    await exit();
  }
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
