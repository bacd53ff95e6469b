/**
 * Mistakes and conflicts a user meets, through the CLI: one clear line, the documented exit code,
 * and nothing left half-done (status and history stay consistent).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { workspace } from './support/workspace.ts';

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');

test('invalid config: exit 2 with the path of every problem', async (t) => {
  const ws = await workspace(t);
  await ws.write();
  await writeFile(
    ws.configFile,
    (await import('node:fs'))
      .readFileSync(ws.configFile, 'utf8')
      .replace('replicas: 1', 'replicas: -3\nreplika: 2'),
  );
  const r = await ws.run(['deploy', '--env', 'development']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /replicas/);
  assert.match(r.stderr, /replika/);
  assert.match(r.stderr, /is invalid: 2 problems/);
  noStack(r.stderr);
  const unknownEnv = await ws.run(['deploy', '--env', 'prod']);
  assert.equal(unknownEnv.code, 2);
  assert.match(unknownEnv.stderr, /prod/);
});

test('bad flags exit 2', async (t) => {
  const ws = await workspace(t);
  await ws.write();
  const r = await ws.run(['rollback', '--env', 'development', '--to', 'two']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--to must be a whole number >= 1, got "two"/);
  const logs = await ws.run(['logs', '--env', 'development', '--tail', '-1']);
  assert.equal(logs.code, 2);
});

test('missing build folder, failing build command, missing secret: nothing is started', async (t) => {
  const ws = await workspace(t);
  await ws.write({ path: 'no-such-folder' });
  const missing = await ws.run(['deploy', '--env', 'development']);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /no-such-folder/);
  noStack(missing.stderr);

  await ws.write({ build: 'echo compiling; echo "error TS2304: cannot find name" >&2; exit 3' });
  const build = await ws.run(['deploy', '--env', 'development']);
  assert.equal(build.code, 4, build.stderr);
  assert.match(build.stderr, /exited with code 3/);
  assert.match(build.stderr, /TS2304/);

  await ws.write({ extra: 'secrets:\n  API_TOKEN: { source: env, key: E2E_API_TOKEN_NOT_SET }' });
  const secret = await ws.run(['deploy', '--env', 'development']);
  assert.equal(secret.code, 2, secret.stderr);
  assert.match(secret.stderr, /secret API_TOKEN .*E2E_API_TOKEN_NOT_SET/);
  noStack(secret.stderr);
  assert.deepEqual(await ws.history(), [], 'no release was recorded');
});

test('proxy port already in use: exit 2 naming the port', async (t) => {
  const ws = await workspace(t);
  const squatter = createServer();
  await new Promise<void>((resolve) => squatter.listen(ws.port, '127.0.0.1', resolve));
  t.after(() => squatter.close());
  await ws.write();
  const r = await ws.run(['deploy', '--env', 'development']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`port ${ws.port} .*already in use`));
  noStack(r.stderr);
});

test('second deploy while one runs: exit 3 naming the holder; then the first finishes', {
  timeout: 180_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  assert.equal((await ws.run(['deploy', '--env', 'development'])).code, 0);
  // The first deploy waits at a pause until promoted, so the test does not race a timer.
  await ws.write({
    env: { APP_VERSION: '2.0.0' },
    strategy: `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: {}`,
  });
  const first = ws.start(['deploy', '--env', 'development']);
  let firstOut = '';
  first.stdout?.on('data', (b: Buffer) => {
    firstOut += b.toString();
  });
  const done = new Promise<number | null>((resolve) => first.once('close', resolve));
  while (!firstOut.includes('20%')) await new Promise((r) => setTimeout(r, 200));
  const status = await ws.json<{ operation: { release: number } | null }>(['status']);
  assert.equal(status.operation?.release, 2, 'status shows the operation in flight');
  const second = await ws.run(['deploy', '--env', 'development']);
  assert.equal(second.code, 3, second.stderr);
  assert.match(second.stderr, /locked by \S+@\S+:\d+/);
  noStack(second.stderr);
  assert.equal((await ws.run(['promote', '--env', 'development'])).code, 0);
  assert.equal(await done, 0, firstOut);
  const history = await ws.history();
  assert.deepEqual(
    history.map((h) => [h.release, h.outcome]),
    [
      [1, 'promoted'],
      [2, 'promoted'],
    ],
  );
});
