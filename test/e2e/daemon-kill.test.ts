/**
 * Killed processes in the middle of a canary, driven through the CLI as a user would.
 * - kill -9 of the keeper and the daemon together (the proxy goes; the apps are reaped by the next
 *   daemon) and of the deploying CLI: re-running the same deploy (with --wait, as the dead CLI's lock must expire
 *   first) starts everything again, restores routing and resumes the unfinished release, which rolls
 *   back (its candidate died). It does not start a second canary of the same artifact and config;
 *   `--force` does.
 * - kill -9 of the daemon while the CLI watches: the keeper restarts it, and the CLI carries on.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { DaemonClient, isAlive } from '../../src/targets/local/index.ts';
import { workspace } from './support/workspace.ts';

/** Release 1 (1.0.0) promoted, then a deploy of 2.0.0 as a canary, returned once it pauses at 20 %. */
async function canaryPausing(t: TestContext) {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  const first = await ws.run(['deploy', '--env', 'development']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
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
  const add = (b: Buffer) => {
    out += b.toString();
  };
  cli.stdout?.on('data', add);
  cli.stderr?.on('data', add);
  while (!out.includes('pausing')) await new Promise((r) => setTimeout(r, 100));
  return { ws, cli, output: () => out };
}

test('kill -9 of the keeper, the daemon and the CLI mid-canary: the re-run resumes and rolls back, and does not canary the same artifact again', {
  timeout: 240_000,
}, async (t) => {
  const { ws, cli } = await canaryPausing(t);
  const client = await DaemonClient.read(ws.stateDir);
  const keeper = client?.info.keeperPid;
  assert.ok(keeper && client);
  // The keeper alone would not do: its daemon takes the proxy over (faults-campaign-keeper.test.ts).
  process.kill(keeper, 'SIGKILL');
  process.kill(client.info.pid, 'SIGKILL');
  cli.kill('SIGKILL');
  await new Promise((r) => cli.once('close', r));
  for (let i = 0; i < 50 && isAlive(client.info.pid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(isAlive(client.info.pid), false, 'the daemon is gone');

  const again = await ws.run(['deploy', '--env', 'development', '--wait'], { timeoutMs: 120_000 });
  assert.match(again.stdout, /release 2 was left unfinished; resuming it first/);
  // Its candidate vanished with the keeper, so release 2 rolls back — and is not started again.
  assert.match(
    again.stdout + again.stderr,
    /release 2 ran this same artifact \(sha256:[0-9a-f]{12}…\) and config, and rolled-back; not starting another release of it\. To deploy it again anyway: slipway deploy --env development --force/,
  );
  assert.equal(again.code, 1, again.stdout + again.stderr);
  assert.deepEqual(
    (await ws.history()).map((h) => [h.release, h.outcome]),
    [
      [1, 'promoted'],
      [2, 'rolled-back'],
    ],
  );
  let res = await fetch(`http://127.0.0.1:${ws.port}/`);
  assert.equal(((await res.json()) as { version: string }).version, '1.0.0');

  const forced = await ws.run(['deploy', '--env', 'development', '--force'], { timeoutMs: 120_000 });
  assert.equal(forced.code, 0, forced.stdout + forced.stderr);
  const history = await ws.history();
  assert.deepEqual(history.at(-1) && [history.at(-1)!.release, history.at(-1)!.outcome], [3, 'promoted']);
  const status = await ws.json<{ serving: number; operation: unknown; weights: Record<string, number> }>([
    'status',
  ]);
  assert.equal(status.operation, null);
  assert.deepEqual(status.weights, { '3': 100 });
  res = await fetch(`http://127.0.0.1:${ws.port}/`);
  assert.equal(((await res.json()) as { version: string }).version, '2.0.0');
});

test('kill -9 of the daemon while a CLI watches a canary: the keeper restarts it and the CLI carries the release to promotion', {
  timeout: 240_000,
}, async (t) => {
  const { ws, cli, output } = await canaryPausing(t);
  const exited = new Promise<number | null>((r) => cli.once('close', (code) => r(code)));
  const daemon = await ws.daemonPid();
  assert.ok(daemon);
  process.kill(daemon, 'SIGKILL');
  const code = await exited;
  const out = output();
  assert.equal(code, 0, out);
  assert.doesNotMatch(out, /disappeared/);
  const history = await ws.history();
  assert.deepEqual(
    history.map((h) => [h.release, h.outcome]),
    [
      [1, 'promoted'],
      [2, 'promoted'],
    ],
  );
  const res = await fetch(`http://127.0.0.1:${ws.port}/`);
  assert.equal(((await res.json()) as { version: string }).version, '2.0.0');
  assert.notEqual(await ws.daemonPid(), daemon, 'a new daemon serves');
});
