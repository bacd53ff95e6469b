/** Reading the process table from /proc (Linux; empty elsewhere). */
import { readdir } from 'node:fs/promises';

/** The pids of every process but this one. */
export async function otherPids(): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  return entries.map(Number).filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}
