/**
 * `slipway promote --from development --to staging`: the artifact development runs goes to staging
 * as is — the same digest, no rebuild — with staging's own configuration.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../../src/targets/local/supervisor/ports.ts';
import { workspace } from './support/workspace.ts';

test('promote --from --to moves the same digest without building', { timeout: 240_000 }, async (t) => {
  const ws = await workspace(t);
  const stagingPort = await freePort();
  await ws.write({
    env: { APP_VERSION: '1.0.0' },
    // The build runs in a staging copy, so it counts its runs in the service folder by absolute path.
    build: `echo built >> ${JSON.stringify(join(ws.dir, 'builds.txt'))}`,
    environments: `  staging:\n    target: local\n    env: { APP_VERSION: staging-1 }\n    proxy: { port: ${stagingPort}, drainTimeout: 2s }\n`,
  });
  const nothing = await ws.run(['promote', '--from', 'staging', '--to', 'development']);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /staging has no released artifact to promote/);
  const half = await ws.run(['promote', '--from', 'development']);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /--from and --to go together/);

  assert.equal((await ws.run(['deploy', '--env', 'development'])).code, 0);
  const promoted = await ws.run(['promote', '--from', 'development', '--to', 'staging']);
  assert.equal(promoted.code, 0, promoted.stderr + promoted.stdout);
  assert.match(promoted.stdout, /promoting release 1 of development/);

  assert.equal(
    await readFile(join(ws.dir, 'builds.txt'), 'utf8'),
    'built\n',
    'built once, for development only',
  );
  const dev = (await ws.run(['history', '--env', 'development', '--json'])).stdout.trim();
  const staging = (await ws.run(['history', '--env', 'staging', '--json'])).stdout.trim();
  const devDigest = JSON.parse(dev).digest;
  assert.equal(JSON.parse(staging).digest, devDigest);
  assert.notEqual(JSON.parse(staging).configHash, JSON.parse(dev).configHash, 'staging runs its own config');
  const res = await fetch(`http://127.0.0.1:${stagingPort}/`);
  assert.equal(((await res.json()) as { version: string }).version, 'staging-1');
});
