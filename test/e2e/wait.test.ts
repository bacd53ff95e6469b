/**
 * `slipway wait` as CI uses it, against real releases on the local target: a release paused for
 * approval answers 5 at once, a finished one 0 or 1, one still running past the timeout 6, and bad
 * flags 2 — the exit codes docs/cli.md documents.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workspace } from './support/workspace.ts';

const GATED = `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: {}`;

test('wait answers promoted, paused for approval, aborted and timed out with its exit codes', {
  timeout: 240_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  assert.equal((await ws.run(['deploy', '--env', 'development'])).code, 0);

  const done = await ws.run(['wait', '--env', 'development', '--for', 'done', '--timeout', '5s']);
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /release 1 of development: promoted/);

  // CI starts a deploy and waits for "the release after the one we had".
  await ws.write({ env: { APP_VERSION: '2.0.0' }, strategy: GATED });
  const deploy2 = ws.start(['deploy', '--env', 'development']);
  const exit2 = new Promise<number | null>((r) => deploy2.once('close', r));
  const gate = await ws.run(['wait', '--env', 'development', '--after', '1', '--timeout', '60s', '--json']);
  assert.equal(gate.code, 5, gate.stderr + gate.stdout);
  const answer = JSON.parse(gate.stdout) as {
    kind: string;
    release: number;
    headline: string;
    exitCode: number;
  };
  assert.equal(answer.kind, 'paused');
  assert.equal(answer.release, 2);
  assert.equal(answer.exitCode, 5);
  assert.match(answer.headline, /pause/);
  const paused = await ws.run(['wait', '--env', 'development', '--for', 'paused', '--timeout', '5s']);
  assert.equal(paused.code, 0, paused.stderr);
  const running = await ws.run(['wait', '--env', 'development', '--for', 'done', '--timeout', '2s']);
  assert.equal(running.code, 6, running.stderr + running.stdout);
  assert.match(running.stdout, /release 2 of development: timeout: .*still in progress after 2 s/);

  assert.equal((await ws.run(['promote', '--env', 'development'])).code, 0);
  const promoted = await ws.run([
    'wait',
    '--env',
    'development',
    '--release',
    '2',
    '--for',
    'done',
    '--timeout',
    '60s',
  ]);
  assert.equal(promoted.code, 0, promoted.stderr + promoted.stdout);
  assert.match(promoted.stdout, /release 2 of development: promoted/);
  assert.equal(await exit2, 0);

  await ws.write({ env: { APP_VERSION: '3.0.0' }, strategy: GATED });
  const deploy3 = ws.start(['deploy', '--env', 'development']);
  const exit3 = new Promise<number | null>((r) => deploy3.once('close', r));
  assert.equal(
    (await ws.run(['wait', '--env', 'development', '--after', '2', '--for', 'paused', '--timeout', '60s']))
      .code,
    0,
  );
  assert.equal((await ws.run(['abort', '--env', 'development', '--reason', 'wrong build'])).code, 0);
  // abort is carried out by the running deploy: until it has, release 3 still waits for a person (5).
  let aborted = await ws.run(['wait', '--env', 'development', '--release', '3', '--timeout', '60s']);
  for (let i = 0; i < 60 && aborted.code === 5; i++) {
    await new Promise((r) => setTimeout(r, 500));
    aborted = await ws.run(['wait', '--env', 'development', '--release', '3', '--timeout', '60s']);
  }
  assert.equal(aborted.code, 1, aborted.stderr + aborted.stdout);
  assert.match(aborted.stdout, /release 3 of development: aborted: .*wrong build/);
  assert.equal(await exit3, 1);

  const never = await ws.run(['wait', '--env', 'development', '--release', '9', '--timeout', '1s']);
  assert.equal(never.code, 6);
  assert.match(never.stdout, /release 9 of development did not begin within 1 s/);
  const badGoal = await ws.run(['wait', '--env', 'development', '--for', 'later', '--timeout', '1s']);
  assert.equal(badGoal.code, 2);
  assert.match(badGoal.stderr, /--for must be one of promoted, paused, done, got "later"/);
  const badTime = await ws.run(['wait', '--env', 'development', '--timeout', 'soon']);
  assert.equal(badTime.code, 2);
  assert.match(badTime.stderr, /--timeout must be a duration such as 90s/);
});
