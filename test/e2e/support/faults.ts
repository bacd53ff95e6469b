/** Shared steps of the fault tests: a healthy v1 under load, then bad releases one after another. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { LoadGenerator } from '../../../src/demo/load.ts';
import { CANARY, type ConfigOptions, type RunResult, type Workspace, workspace } from './workspace.ts';

export interface FaultBench {
  ws: Workspace;
  load: LoadGenerator;
  base: Omit<ConfigOptions, 'port'>;
}

/** A workspace serving v1 (exit 0) with GET-only load on it, stopped when the test ends. */
export async function healthyBaseline(
  t: TestContext,
  base: Omit<ConfigOptions, 'port'> = {},
  rate = 100,
): Promise<FaultBench> {
  const ws = await workspace(t);
  await ws.write({ ...base, env: { APP_VERSION: '1.0.0' } });
  const r = await ws.run(['deploy', '--env', 'development']);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const load = new LoadGenerator({
    origin: `http://127.0.0.1:${ws.port}`,
    rate,
    putShare: 0,
    maxDurationMs: 240_000,
  });
  load.start();
  t.after(() => load.stop());
  return { ws, load, base };
}

export interface BadOutcome {
  run: RunResult;
  last: { release: number; outcome?: string; reasons: string[] };
  serving: number;
}

/** Deploys a release with `env` faults; returns the CLI result, the ledger's last record and who serves. */
export async function deployBad(
  bench: FaultBench,
  env: Record<string, string>,
  over: Omit<ConfigOptions, 'port'> = {},
): Promise<BadOutcome> {
  await bench.ws.write({ strategy: CANARY, ...bench.base, ...over, env: { APP_VERSION: 'bad', ...env } });
  const run = await bench.ws.run(['deploy', '--env', 'development']);
  const history = await bench.ws.history();
  const status = await bench.ws.json<{ serving: number; operation: unknown }>(['status']);
  assert.equal(status.operation, null, 'no operation is left in flight');
  return { run, last: history.at(-1) as BadOutcome['last'], serving: status.serving };
}
