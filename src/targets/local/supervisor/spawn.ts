/**
 * Starting an app process so that it dies with the daemon. On Linux, `setpriv --pdeathsig SIGKILL`
 * (util-linux) sets the parent-death signal and then execs the command, so even `kill -9` of the
 * daemon takes every instance with it. The command runs as `sh -c 'exec <start>'`: the shell
 * replaces itself with the app, so the pid we hold is the app's and signals reach it directly.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { knownSecrets, Redactor } from './redact.ts';

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
  /** The file behind `logFd`, for a spawner in another process (the keeper), which opens its own. */
  logFile: string;
  /** Which instance this is: lets a restarted daemon adopt the process it did not start. */
  instance: { release: number; index: number; port: number };
  /** Names of the `env` entries that are secrets: their values are redacted from the log. */
  secretNames?: string[];
}

/**
 * The part of a child process the supervisor uses. A `ChildProcess` is one; so is the keeper's
 * stand-in for a process it started on the daemon's behalf (`keeper/remote.ts`).
 */
export interface AppProcess {
  readonly pid?: number | undefined;
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
  kill(signal?: NodeJS.Signals): boolean;
  /**
   * Set when the output goes through this process (redaction): settles once every byte reached
   * the log file, which may be after 'exit'. Read the log's tail after it, not at 'exit'.
   */
  readonly logDone?: Promise<void>;
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
}

export type SpawnApp = (opts: SpawnAppOptions) => AppProcess;

/**
 * Starts the command with its output going to `logFd`. When `env` holds secrets worth redacting,
 * the output goes through a pipe and a `Redactor` into `logFile` instead: the app's bytes then pass
 * through this (the spawning) process, which the app dies with anyway (`--pdeathsig`).
 * `dieWithParent: false` is for the keeper: its apps must outlive a `kill -9` of the keeper, so that
 * the daemon can take them over (keeper/remote.ts `takeOver`); strays are reaped by the next daemon.
 * (An app whose output is redacted loses its log pipe with the keeper; writing to it then fails.)
 */
export const spawnApp = (
  opts: Pick<SpawnAppOptions, 'command' | 'cwd' | 'env' | 'logFd' | 'logFile' | 'secretNames'> & {
    dieWithParent?: boolean;
  },
): ChildProcess & { logDone?: Promise<void> } => {
  const setpriv = opts.dieWithParent === false ? null : findSetpriv();
  const shell = ['/bin/sh', '-c', `exec ${opts.command}`];
  const argv = setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--', ...shell] : shell;
  const secrets = knownSecrets(
    Object.fromEntries((opts.secretNames ?? []).flatMap((n) => (opts.env[n] ? [[n, opts.env[n]]] : []))),
  );
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', secrets.length ? 'pipe' : opts.logFd, secrets.length ? 'pipe' : opts.logFd],
  });
  if (!secrets.length || !child.stdout || !child.stderr) return child;
  const file = createWriteStream(opts.logFile, { flags: 'a', mode: 0o600 });
  const logDone = new Promise<void>((resolve) => {
    file.on('close', resolve);
    file.on('error', () => resolve()); // a full disk loses log lines, never the instance
  });
  let open = 2;
  for (const out of [child.stdout, child.stderr]) {
    out
      .pipe(new Redactor(secrets))
      .on('end', () => --open === 0 && file.end())
      .pipe(file, { end: false });
  }
  return Object.assign(child, { logDone });
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
