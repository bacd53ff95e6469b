/**
 * Why an instance ended, in words a user can act on: how it ended (exit code, signal, or a spawn
 * error), the port hint when the log shows EADDRINUSE, and the last log lines with every known secret
 * value redacted. Everything here reads the instance's log file; nothing decides a restart.
 */
import { realpath } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RevisionRuntime } from '../runtime.ts';
import { tailFile } from './logs.ts';
import { addressInUseHint, linesOfThisRun } from './port-hint.ts';
import { logPumpsOf } from './procfs.ts';
import { type KnownSecret, knownSecrets, redactText } from './redact.ts';
import type { AppProcess } from './spawn.ts';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface ExitLog {
  logFile: string;
  /** The variable the port is given in, and the port given (for the EADDRINUSE hint). */
  portEnv: string;
  port: number;
  secrets: KnownSecret[];
}

/** The instance's secret values, as the log redaction knows them. */
export function instanceSecrets(runtime: RevisionRuntime, env: Record<string, string>): KnownSecret[] {
  return knownSecrets(
    Object.fromEntries(runtime.secrets.flatMap((r) => (env[r.name] ? [[r.name, env[r.name]!]] : []))),
  );
}

/** "exited with code 1 during startup (2.1 s): <port hint>; last log lines: …" */
export async function exitReason(exit: Exit, ranMs: number, when: string, log: ExitLog): Promise<string> {
  const secs = (ranMs / 1000).toFixed(1);
  const how = exit.error
    ? `could not start: ${exit.error.message}`
    : exit.signal
      ? `killed by ${exit.signal} ${when} (${secs} s)`
      : exit.code === null
        ? // An app adopted from a dead keeper or daemon is no child of ours: the OS tells only its parent.
          `ended ${when} (${secs} s; exit status unknown: the process was adopted, not started by this daemon)`
        : `exited with code ${exit.code} ${when} (${secs} s)`;
  // A hard-coded port shows as EADDRINUSE above a stack trace: name it rather than the last frames.
  const run = linesOfThisRun(await tailFile(log.logFile, 200));
  const hint = addressInUseHint(run, log.portEnv, log.port);
  return `${how}${hint ? `: ${hint}` : ''}${await lastLines(log)}`;
}

export async function lastLines(log: Pick<ExitLog, 'logFile' | 'secrets'>): Promise<string> {
  // The file is redacted as written; this also covers a log an older spawner wrote unredacted.
  const lines = (await tailFile(log.logFile, 6))
    .filter((l) => !l.startsWith('[slipway]'))
    .map((l) => redactText(l, log.secrets));
  return lines.length ? `; last log lines:\n  ${lines.slice(-5).join('\n  ')}` : '; the log is empty';
}

/** How long an exit waits for the log's last bytes (a grandchild may hold the pipe open). */
const LOG_WAIT_MS = 1000;

/**
 * The child's log output written, or 1 s passed. A child that does not know its log pump (an app
 * taken over from a dead keeper has no `logDone`) waits for the pumps writing into `logFile` to end.
 */
export function logWritten(child: AppProcess, logFile?: string): Promise<void> {
  const deadline = Date.now() + LOG_WAIT_MS;
  const written = child.logDone ?? (logFile ? pumpsEnded(logFile, deadline) : undefined);
  if (!written) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, LOG_WAIT_MS);
    timer.unref();
    void written.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function pumpsEnded(logFile: string, deadline: number): Promise<void> {
  const file = await realpath(logFile).catch(() => logFile); // as /proc/<pid>/fd shows it
  while (Date.now() < deadline && (await logPumpsOf(file)).length > 0) await sleep(20);
}
