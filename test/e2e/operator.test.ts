/**
 * Operator commands sent from another shell to a running deploy: promote past a pause that waits
 * for it, abort a canary, and the messages when nothing is in progress.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Workspace } from './support/workspace.ts';
import { workspace } from './support/workspace.ts';

const WAIT_FOR_PROMOTE = `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: {}`;

/** Starts a deploy in the background; resolves once it waits at the pause. */
async function deployUntilPaused(ws: Workspace, version: string) {
  await ws.write({ env: { APP_VERSION: version }, strategy: WAIT_FOR_PROMOTE });
  const child = ws.start(['deploy', '--env', 'development']);
  let out = '';
  child.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', resolve));
  while (!/paused|promote/.test(out) || !out.includes('20%')) {
    if (child.exitCode !== null) throw new Error(`deploy ended early: ${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { exit, output: () => out };
}

test('promote and abort reach the running deploy; nothing in progress is exit 2', {
  timeout: 240_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  const nothing = await ws.run(['abort', '--env', 'development']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /no release is in progress in development: nothing to abort/);

  assert.equal((await ws.run(['deploy', '--env', 'development'])).code, 0);

  const two = await deployUntilPaused(ws, '2.0.0');
  const promote = await ws.run(['promote', '--env', 'development']);
  assert.equal(promote.code, 0, promote.stderr);
  assert.match(promote.stdout, /promote sent to release 2 .*running operation/);
  assert.equal(await two.exit, 0, two.output());

  const three = await deployUntilPaused(ws, '3.0.0');
  const abort = await ws.run(['abort', '--env', 'development', '--reason', 'wrong build']);
  assert.equal(abort.code, 0, abort.stderr);
  assert.equal(await three.exit, 1, three.output());
  assert.match(three.output(), /aborted/);

  const history = await ws.history();
  assert.deepEqual(
    history.map((h) => h.outcome),
    ['promoted', 'promoted', 'rolled-back'],
  );
  const status = await ws.json<{ serving: number; operation: unknown }>(['status']);
  assert.equal(status.serving, 2);
  assert.equal(status.operation, null);
});
