/**
 * Starting an app process so that it dies with the daemon. On Linux, `setpriv --pdeathsig SIGKILL`
 * (util-linux) sets the parent-death signal and then execs the command, so even `kill -9` of the
 * daemon takes every instance with it. The command runs as `sh -c 'exec <start>'`: the shell
 * replaces itself with the app, so the pid we hold is the app's and signals reach it directly.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { dirname } from 'node:path';

let setprivPath: string | null | undefined;

/** The path of `setpriv`, or null when it is not installed (then orphans are reaped on restart). */
export function findSetpriv(): string | null {
  if (setprivPath === undefined) {
    try {
      setprivPath = execFileSync('sh', ['-c', 'command -v setpriv'], { encoding: 'utf8' }).trim() || null;
    } catch {
      setprivPath = null;
    }
  }
  return setprivPath;
}

export interface SpawnAppOptions {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** File descriptor receiving both stdout and stderr. */
  logFd: number;
}

export type SpawnApp = (opts: SpawnAppOptions) => ChildProcess;

export const spawnApp: SpawnApp = (opts) => {
  const setpriv = findSetpriv();
  const shell = ['/bin/sh', '-c', `exec ${opts.command}`];
  const argv = setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--', ...shell] : shell;
  return spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', opts.logFd, opts.logFd],
  });
};

/**
 * The base environment of an instance: not the daemon's (which may hold the CLI's secrets), only
 * what a process needs to run, with the daemon's Node first on PATH so `node` means Node 24.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
  };
  for (const key of ['HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER']) {
    const v = process.env[key];
    if (v !== undefined) env[key] = v;
  }
  return env;
}
