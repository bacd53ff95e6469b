/**
 * Stopping the daemon of a state folder, whatever its files say. The graceful way is the control
 * API's shutdown; when `daemon.json` is garbage or `daemon.token` does not open the API, the
 * processes are found by their pid files and, failing those, by their command lines (`--state-dir
 * <folder>`), and are sent SIGTERM: the keeper (or a daemon without one) then stops every instance
 * gracefully, as the API would. SIGKILL only after the grace period. "No daemon running" is said
 * only when no process of the folder is left.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, isProcessOf, readPidFile } from '../keeper/pid-file.ts';
import { readDaemonFiles } from '../state/daemon-files.ts';
import { StatePaths } from '../state/paths.ts';
import { otherPids } from '../supervisor/procfs.ts';
import { reapOrphans } from '../supervisor/reaper.ts';
import { DaemonClient, DaemonError } from './client.ts';

export interface StopReport {
  /** A daemon (or keeper) of the folder was running and is gone now. */
  stopped: boolean;
  /** `api`: shutdown through the control API; `signal`: SIGTERM to the processes found. */
  how?: 'api' | 'signal';
  pids: number[];
  /** Why the API could not be used (the file and the problem), when it could not. */
  notes: string[];
  /** Processes that had to be killed after the grace period. */
  killed: number[];
}

export async function stopLocalDaemon(stateDir: string, timeoutMs = 60_000): Promise<StopReport> {
  const paths = new StatePaths(stateDir);
  const notes: string[] = [];
  const files = await readDaemonFiles(paths);
  if (files.kind === 'damaged') notes.push(`${files.file} is damaged (${files.problem})`);
  if (files.kind === 'ok') {
    const client = new DaemonClient(paths, files.info, files.token);
    const answer = await probe(client);
    if (answer === 'ok') {
      await client.call('shutdown');
      const pids = [files.info.pid, ...(files.info.keeperPid ? [files.info.keeperPid] : [])];
      const killed = [...(await waitGone(pids, timeoutMs)), ...(await reapOrphans(paths.root))];
      return { stopped: true, how: 'api', pids, notes, killed };
    }
    if (answer === 'unauthorized') {
      notes.push(`${paths.daemonToken} does not open the control API of ${files.info.port} (401)`);
    }
  }
  const { keeper, daemons } = await processesOf(paths, files.kind === 'ok' ? files.info.pid : undefined);
  // The keeper stops its daemon gracefully, then itself; a daemon without a keeper does the same.
  const first = keeper ? [keeper] : daemons;
  const all = [...new Set([...(keeper ? [keeper] : []), ...daemons])];
  // App processes whose keeper and daemon were both killed outlive them (the keeper starts them
  // without a parent-death signal, so that they survive the keeper alone): they go too.
  if (all.length === 0) {
    const orphans = await reapOrphans(paths.root);
    return { stopped: false, pids: [], notes, killed: orphans };
  }
  for (const pid of first) signal(pid, 'SIGTERM');
  const killed = [...(await waitGone(all, timeoutMs)), ...(await reapOrphans(paths.root))];
  return { stopped: true, how: 'signal', pids: all, notes, killed };
}

/** `stopLocalDaemon`, answering only whether something was stopped. */
export async function stopDaemon(stateDir: string, timeoutMs = 60_000): Promise<boolean> {
  return (await stopLocalDaemon(stateDir, timeoutMs)).stopped;
}

async function probe(client: DaemonClient): Promise<'ok' | 'unauthorized' | 'unreachable'> {
  try {
    await client.call('health', {}, AbortSignal.timeout(1000));
    return 'ok';
  } catch (err) {
    return err instanceof DaemonError && err.status === 401 ? 'unauthorized' : 'unreachable';
  }
}

/** The pids of the folder's keeper and daemon processes (pid files, then /proc command lines). */
export async function daemonProcesses(stateDir: string): Promise<number[]> {
  const { keeper, daemons } = await processesOf(new StatePaths(stateDir), undefined);
  return [...new Set([...(keeper ? [keeper] : []), ...daemons])];
}

/** The folder's keeper and daemon processes: from the pid files, else from /proc command lines. */
async function processesOf(
  paths: StatePaths,
  infoPid: number | undefined,
): Promise<{ keeper?: number; daemons: number[] }> {
  const ofRoot = async (pid: number | undefined) =>
    pid !== undefined && pid !== process.pid && (await isProcessOf(pid, paths.root)) ? pid : undefined;
  let keeper = await ofRoot(await readPidFile(paths.keeperPid));
  const daemons = new Set<number>();
  for (const pid of [await readPidFile(paths.daemonPid), infoPid]) {
    const p = await ofRoot(pid);
    if (p !== undefined) daemons.add(p);
  }
  for (const found of await scanProc(paths.root)) {
    if (found.kind === 'keeper') keeper ??= found.pid;
    else daemons.add(found.pid);
  }
  return { ...(keeper === undefined ? {} : { keeper }), daemons: [...daemons] };
}

/** Processes whose command line is `… keeper|daemon/main.{ts,js} --state-dir <root>` (Linux). */
async function scanProc(root: string): Promise<{ pid: number; kind: 'keeper' | 'daemon' }[]> {
  const out: { pid: number; kind: 'keeper' | 'daemon' }[] = [];
  for (const pid of await otherPids()) {
    const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const at = args.indexOf('--state-dir');
    if (at === -1 || args[at + 1] !== root) continue;
    const main = args.find((a) => /[/\\](keeper|daemon)[/\\]main\.(ts|js)$/.test(a));
    if (main) out.push({ pid, kind: /keeper[/\\]main/.test(main) ? 'keeper' : 'daemon' });
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Waits for the processes to exit; SIGKILLs what is left at the deadline. Returns those. */
async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && pids.some(isAlive)) await sleep(50);
  const left = pids.filter(isAlive);
  for (const pid of left) signal(pid, 'SIGKILL');
  return left;
}
