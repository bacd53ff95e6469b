/** Reading the process table from /proc (Linux; empty elsewhere). */
import { readFileSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** The pids of every process but this one. */
export async function otherPids(): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}

/**
 * Whether `pid` has exited but is not reaped yet. An orphan's parent is init, and an init that
 * reaps late (a container's PID 1 without `--init`) leaves it a zombie, which `kill(pid, 0)` still
 * finds. False when it is not known (no /proc, or the process is gone).
 */
export function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * The live log pumps (log-pump.ts) writing into `logFile` (an absolute, resolved path): their
 * stdout is that file. For a spawner that did not start the pump itself (the daemon watching an app
 * of a dead keeper) and so cannot wait for its exit.
 */
export async function logPumpsOf(logFile: string): Promise<number[]> {
  const found: number[] = [];
  for (const pid of await otherPids()) {
    if ((await readlink(`/proc/${pid}/fd/1`).catch(() => '')) !== logFile) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '');
    if (cmd.includes('log-pump.') && !isZombie(pid)) found.push(pid);
  }
  return found;
}
