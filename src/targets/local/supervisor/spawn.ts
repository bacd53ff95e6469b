/**
 * Starting an app process so that it dies with the daemon. On Linux, `setpriv --pdeathsig SIGKILL`
 * (util-linux) sets the parent-death signal and then execs the command, so even `kill -9` of the
 * daemon takes every instance with it. The command runs as `sh -c 'exec <start>'`: the shell
 * replaces itself with the app, so the pid we hold is the app's and signals reach it directly.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { knownSecrets, LOG_PUMP_SECRETS_VAR, Redactor } from './redact.ts';

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
 * the app's stdout and stderr are pipes to a log pump (log-pump.ts), a process of its own that
 * redacts them into `logFd`'s file. The spawner keeps no end of those pipes, so the app's output
 * does not depend on the spawner living: `dieWithParent: false` is for the keeper, whose apps must
 * outlive a `kill -9` of it so that the daemon can take them over (keeper/remote.ts `takeOver`),
 * log lines included. `logDone` settles when the pump has exited, i.e. written the last byte.
 */
export const spawnApp = (
  opts: Pick<SpawnAppOptions, 'command' | 'cwd' | 'env' | 'logFd' | 'logFile' | 'secretNames'> & {
    dieWithParent?: boolean;
  },
): ChildProcess & { logDone?: Promise<void> } => {
  const setpriv = opts.dieWithParent === false ? null : findSetpriv();
  const shell = ['/bin/sh', '-c', `exec ${opts.command}`];
  const argv = setpriv ? [setpriv, '--pdeathsig', 'SIGKILL', '--', ...shell] : shell;
  const values = Object.fromEntries(
    (opts.secretNames ?? []).flatMap((n) => (opts.env[n] ? [[n, opts.env[n]]] : [])),
  );
  const redacted = knownSecrets(values).length > 0;
  const child = spawn(argv[0]!, argv.slice(1), {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', redacted ? 'pipe' : opts.logFd, redacted ? 'pipe' : opts.logFd],
  });
  if (!redacted || !child.stdout || !child.stderr) return child;
  const pump = startLogPump(child.stdout, child.stderr, opts.logFd, values);
  if (pump) {
    child.stdout.destroy(); // the pump holds the read ends now; this process keeps none
    child.stderr.destroy();
    return Object.assign(child, { logDone: pump });
  }
  return Object.assign(child, { logDone: redactHere(child.stdout, child.stderr, opts.logFile, values) });
};

const PUMP_MAIN = fileURLToPath(
  new URL(`./log-pump.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`, import.meta.url),
);

/**
 * The pump for one app: its stdin and fd 3 are the read ends of the app's stdout and stderr, its
 * stdout and stderr the log file. No parent-death signal: it ends by EOF once the app is gone, so
 * it never outlives the app's output nor loses its tail. Undefined when it could not be started.
 */
function startLogPump(
  stdout: Readable,
  stderr: Readable,
  logFd: number,
  values: Record<string, string>,
): Promise<void> | undefined {
  let pump: ChildProcess;
  try {
    pump = spawn(process.execPath, [PUMP_MAIN], {
      env: { [LOG_PUMP_SECRETS_VAR]: JSON.stringify(values) },
      stdio: [stdout, logFd, logFd, stderr],
    });
  } catch {
    return undefined;
  }
  if (pump.pid === undefined) {
    pump.once('error', () => {}); // reported by falling back to redacting here
    return undefined;
  }
  return new Promise<void>((resolve) => {
    pump.once('exit', () => resolve());
    pump.once('error', () => resolve());
  });
}

/**
 * Redaction in this process, when no pump could be started: the app's output then depends on this
 * process living (writes fail with EPIPE once it is gone).
 */
function redactHere(
  stdout: Readable,
  stderr: Readable,
  logFile: string,
  values: Record<string, string>,
): Promise<void> {
  const secrets = knownSecrets(values);
  const file = createWriteStream(logFile, { flags: 'a', mode: 0o600 });
  const done = new Promise<void>((resolve) => {
    file.on('close', resolve);
    file.on('error', () => resolve()); // a full disk loses log lines, never the instance
  });
  let open = 2;
  for (const out of [stdout, stderr]) {
    out
      .pipe(new Redactor(secrets))
      .on('end', () => --open === 0 && file.end())
      .pipe(file, { end: false });
  }
  return done;
}

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
