/** Shared set-up for the local target's tests: temp state folders, runtimes, fast health checks. */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { makeWritable } from '../../../src/targets/local/artifacts/pack.ts';
import type { RevisionRuntime } from '../../../src/targets/local/runtime.ts';

export const FIXTURE_APP = fileURLToPath(new URL('./fixtures/app', import.meta.url));

/**
 * A fresh temp folder, removed (read-only artifacts included) when the test ends, after
 * `beforeRemove` (e.g. stopping the daemon whose state lives there: in one hook, so the order is sure).
 */
export async function tempDir(
  t: TestContext,
  prefix = 'slipway-local-',
  beforeRemove?: (dir: string) => Promise<void>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(async () => {
    try {
      await beforeRemove?.(dir);
    } finally {
      await makeWritable(dir);
      await rm(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

const fastProbe = (path: string) => ({ path, intervalMs: 100, timeoutMs: 100, failureThreshold: 2 });

/** A runtime for the fixture app with fast checks; `env` switches its faults on. */
export function fixtureRuntime(over: Partial<RevisionRuntime> = {}): RevisionRuntime {
  return {
    release: 1,
    digest: 'sha256:fixture',
    start: 'node server.mjs',
    portEnv: 'PORT',
    env: {},
    secrets: [],
    replicas: 1,
    startupTimeoutMs: 3000,
    startup: fastProbe('/healthz'),
    readiness: fastProbe('/readyz'),
    liveness: fastProbe('/healthz'),
    stopGraceMs: 2000,
    maxRestarts: 3,
    backoffInitialMs: 50,
    backoffMaxMs: 400,
    stableAfterMs: 10_000,
    ...over,
  };
}

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** True for a running process; a zombie (dead, not yet reaped) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * A free port below Linux's ephemeral range (32768+), for proxies: instances get ephemeral ports
 * from the kernel, which could otherwise hand a test's just-released proxy port to an instance.
 */
export async function freeProxyPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
