/**
 * One process of a kind per state folder (`daemon.pid`, `keeper.pid`): the file is created
 * exclusively; one left by a killed process is taken over, one naming a live process of the same
 * folder is not.
 */
import { open, readFile, rm } from 'node:fs/promises';
import { syncHandle } from '../state/fsync.ts';
import { readStateFile } from '../state/read-file.ts';

/** Takes the pid file for this process; false when a live process of `root` already holds it. */
export async function claimPidFile(file: string, root: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      await fh.writeFile(`${process.pid}\n`);
      await syncHandle(fh);
      await fh.close();
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = await readPidFile(file);
      if (pid && (await isProcessOf(pid, root))) return false;
      await rm(file, { force: true }); // left by a process that was killed
    }
  }
  return false;
}

/** The pid in the file, or undefined when it is missing or not a number. */
export async function readPidFile(file: string): Promise<number | undefined> {
  const pid = Number((await readStateFile(file).catch(() => '')).toString().trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Whether `pid` is alive and runs for the state folder `root` (its command line names it), not an
 * unrelated process that reused a dead one's pid. Without /proc, alive is all we can tell.
 */
export async function isProcessOf(pid: number, root: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return cmdline === undefined ? true : cmdline.split('\0').includes(root);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
