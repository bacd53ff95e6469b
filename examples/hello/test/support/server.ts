import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Parsed JSON log lines from stdout, in order; grows while the process runs. */
  readonly logs: LogLine[];
  stdout(): string;
  stderr(): string;
  /** Settles when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching, past or future; rejects after timeoutMs or at exit. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Kills the process if it still runs (test cleanup). */
  kill(): void;
}

/**
 * Runs the real entry point with `process.execPath` (Node 24) and only the given environment (plus PATH),
 * so variables of the test runner cannot leak in. Defaults: a free port on 127.0.0.1, info logs.
 */
export function spawnServer(env: Record<string, string> = {}): ServerProcess {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let pending = '';
  const logs: LogLine[] = [];
  const waiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        // Not a log line (none are expected); kept in stdout() for assertions.
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));

  function waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 15_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = logs.find(predicate);
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
      }, timeoutMs);
      const onExit = () => {
        check();
        done();
        reject(new Error(`process exited before a matching log line; stdout:\n${out}\nstderr:\n${err}`));
      };
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });
  }

  return {
    child,
    logs,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Spawns the server and waits for its `listening` log line; returns the process and its base URL. */
export async function startServer(
  env: Record<string, string> = {},
): Promise<ServerProcess & { url: string }> {
  const server = spawnServer(env);
  try {
    const line = await server.waitForLog((l) => l.msg === 'listening');
    return { ...server, url: `http://127.0.0.1:${String(line.port)}` };
  } catch (err) {
    server.kill();
    throw err;
  }
}
