/** Reading the process table from /proc (Linux; empty elsewhere). */
import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

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
