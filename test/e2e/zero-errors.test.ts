/**
 * Users see no failed request — GET or POST, and POST is never retried by the proxy — while
 * releases switch under sustained load: a rolling update, a blue-green cutover, a canary ramp to
 * promotion, and a rollback.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoadGenerator } from '../../src/demo/load.ts';
import { BLUE_GREEN, CANARY, ROLLING, workspace } from './support/workspace.ts';

const ANALYSIS =
  '{ maxErrorRate: 0.05, failureBudget: 20, minSample: 30, alpha: 0.01, noData: inconclusive }';

test('zero failed requests through rolling, blue-green, canary, promotion and rollback', {
  timeout: 420_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ replicas: 2, env: { APP_VERSION: '1.0.0' }, strategy: ROLLING, analysis: ANALYSIS });
  const first = await ws.run(['deploy', '--env', 'development']);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  const load = new LoadGenerator({
    origin: `http://127.0.0.1:${ws.port}`,
    rate: 150,
    maxDurationMs: 200_000,
  });
  load.start();
  t.after(() => load.stop());
  const steps: [string, string, string][] = [
    ['2.0.0', ROLLING, 'rolling'],
    ['3.0.0', BLUE_GREEN, 'blue-green'],
    ['4.0.0', CANARY, 'canary'],
  ];
  for (const [version, strategy, name] of steps) {
    await ws.write({ replicas: 2, env: { APP_VERSION: version }, strategy, analysis: ANALYSIS });
    const r = await ws.run(['deploy', '--env', 'development']);
    assert.equal(r.code, 0, `${name} deploy of ${version}: ${r.stderr}${r.stdout}`);
  }
  const back = await ws.run(['rollback', '--env', 'development']);
  assert.equal(back.code, 0, back.stderr + back.stdout);
  await new Promise((r) => setTimeout(r, 1000));
  const counts = await load.stop();

  assert.equal(counts.errors, 0, `users saw errors: ${counts.samples.join('; ')}`);
  assert.ok(counts.answered > 3000, `answered ${counts.answered}`);
  for (const v of ['2.0.0', '3.0.0', '4.0.0']) assert.ok((counts.versions[v] ?? 0) > 0, `${v} served users`);
  const status = await ws.json<{ serving: number; operation: unknown }>(['status']);
  assert.equal(status.operation, null);
  const history = await ws.history();
  assert.deepEqual(
    history.map((h) => h.outcome),
    ['promoted', 'promoted', 'promoted', 'promoted', 'promoted'],
  );
  assert.equal(status.serving, 5, 'the rollback is release 5, running release 3’s artifact and config');
});
