/**
 * An app process that is not our child (its spawner died and it lives on as an orphan): no
 * 'exit' event comes from the OS, so it is watched by polling its pid, and signals go to the pid.
 * Its exit status went to its dead parent: it is reported as (null, null), "exit status unknown".
 */
import { EventEmitter } from 'node:events';
import { isZombie } from '../supervisor/procfs.ts';
import type { AppProcess } from '../supervisor/spawn.ts';

/** Calls `gone` once `pid` no longer exists (checked every `everyMs`); returns a canceller. */
export function watchPid(pid: number, gone: () => void, everyMs = 100): () => void {
  const poll = setInterval(() => {
    try {
      process.kill(pid, 0);
      // An orphan that exited stays a zombie until init reaps it (PID 1 of a container may take a
      // minute, or never): it is gone all the same.
      if (isZombie(pid)) throw Object.assign(new Error('exited, not reaped yet'), { code: 'ESRCH' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') return; // alive, someone else's now
      clearInterval(poll);
      gone();
    }
  }, everyMs);
  poll.unref();
  return () => clearInterval(poll);
}

export class WatchedProcess extends EventEmitter implements AppProcess {
  readonly pid: number;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;

  constructor(pid: number) {
    super();
    this.pid = pid;
    watchPid(pid, () => {
      this.emit('exit', null, null);
    });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    try {
      process.kill(this.pid, signal);
      return true;
    } catch {
      return false; // already gone: the poll reports its exit
    }
  }
}
