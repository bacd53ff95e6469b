/**
 * The second line of defence against orphans. Every instance carries `SLIPWAY_STATE_DIR` in its
 * environment (inherited by anything it forks); a daemon starting on that state folder kills every
 * process still carrying it. This catches what the parent-death signal cannot: a machine without
 * `setpriv`, or grandchildren an app spawned. Linux only (reads /proc); a no-op elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { processTree } from './bound-address.ts';
import { otherPids } from './procfs.ts';

export const STATE_DIR_VAR = 'SLIPWAY_STATE_DIR';

/**
 * Kills (SIGKILL) the processes left by a previous daemon of `stateDir`; returns their pids. `keep`
 * are live instances to adopt (from the keeper): they and whatever they forked are spared.
 */
export async function reapOrphans(stateDir: string, keep: number[] = []): Promise<number[]> {
  const spared = new Set<number>();
  for (const pid of keep) for (const p of await processTree(pid)) spared.add(p);
  const killed: number[] = [];
  for (const pid of await instanceProcesses(stateDir)) {
    if (spared.has(pid)) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // gone already, or not ours to signal
    }
  }
  return killed;
}

/** Every process carrying the state folder's marker: instances and whatever they forked. */
export async function instanceProcesses(stateDir: string): Promise<number[]> {
  const marker = `\0${STATE_DIR_VAR}=${stateDir}\0`;
  const found: number[] = [];
  for (const pid of await otherPids()) {
    const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    if (`\0${environ}`.includes(marker)) found.push(pid);
  }
  return found;
}
