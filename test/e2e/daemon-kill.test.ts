/**
 * `kill -9` of the daemon and of the deploying CLI in the middle of a canary: re-running the same
 * deploy (with --wait, as the dead CLI's lock must expire first) restarts the daemon, which restores
 * routing, and resumes the unfinished release: it rolls back (its candidate died with the daemon)
 * and the same artifact is deployed again. Nothing is left in flight afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive } from '../../src/targets/local/index.ts';
import { workspace } from './support/workspace.ts';

test('kill -9 of the daemon mid-rollout: re-running deploy resumes the release', {
  timeout: 240_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  assert.equal((await ws.run(['deploy', '--env', 'development'])).code, 0);
  await ws.write({
    env: { APP_VERSION: '2.0.0' },
    strategy: `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: { duration: 4s }`,
  });
  const cli = ws.start(['deploy', '--env', 'development']);
  let out = '';
  cli.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  while (!out.includes('pausing')) await new Promise((r) => setTimeout(r, 100));
  const daemon = await ws.daemonPid();
  assert.ok(daemon);
  process.kill(daemon, 'SIGKILL');
  cli.kill('SIGKILL');
  await new Promise((r) => cli.once('close', r));
  for (let i = 0; i < 50 && isAlive(daemon); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(daemon), false);

  const again = await ws.run(['deploy', '--env', 'development', '--wait'], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /release 2 was left unfinished; resuming it first/);
  // Its candidate vanished with the daemon, so release 2 rolls back; the same artifact then goes out as 3.
  assert.match(again.stdout, /release 2 in development (released|rolled back)/);
  const history = await ws.history();
  const outcomes = history.map((h) => [h.release, h.outcome]);
  const finalRelease = history.at(-1)?.release;
  assert.deepEqual(outcomes[0], [1, 'promoted']);
  assert.ok(
    finalRelease === 2 || (finalRelease === 3 && outcomes[1]?.[1] === 'rolled-back'),
    JSON.stringify(outcomes),
  );
  assert.deepEqual(history.at(-1)?.outcome, 'promoted');
  const status = await ws.json<{ serving: number; operation: unknown; weights: Record<string, number> }>([
    'status',
  ]);
  assert.equal(status.operation, null);
  assert.equal(status.serving, finalRelease);
  assert.deepEqual(status.weights, { [String(finalRelease)]: 100 });
  const res = await fetch(`http://127.0.0.1:${ws.port}/`);
  assert.equal(((await res.json()) as { version: string }).version, '2.0.0');
});
