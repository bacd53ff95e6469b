/**
 * The control API's typed protocol against the real detached daemon: every route parses its
 * request with its schema (a bad shape is a 400 naming the field), unknown environments are 404
 * and create nothing, no request can reach a path outside the state folder, and set-traffic
 * carries the stable revision.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonClient, DaemonError, ensureDaemon } from '../../../src/targets/local/daemon/client.ts';
import { pathOf, ROUTES, type RouteName } from '../../../src/targets/local/daemon/protocol/routes.ts';
import { StateFolderError } from '../../../src/targets/local/state/permissions.ts';
import { deployAll, setup } from './daemon-helpers.ts';
import { tempDir } from './helpers.ts';

async function raw(client: DaemonClient, method: string, path: string, body?: unknown) {
  const token = (await import('node:fs/promises')).readFile(client.paths.daemonToken, 'utf8');
  const res = await fetch(`${client.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${(await token).trim()}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as { error: string; field?: string } };
}

test('saveProgress with a release that is a path is a 400 naming the field, and writes nothing', async (t) => {
  const s = await setup(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  for (const release of ['..%2F..%2F..%2Fpwned', '0', '-1', '1.5', 'abc']) {
    const r = await raw(client, 'PUT', `/v1/envs/development/ledger/releases/${release}/progress`, {
      progress: {},
    });
    assert.equal(r.status, 400, `${release}: ${JSON.stringify(r.json)}`);
    assert.equal(r.json.field, 'path.release');
    assert.match(r.json.error, /a release number/);
  }
  // The old reflective RPC is gone.
  const old = await raw(client, 'POST', '/v1/envs/development/ledger/saveProgress', {
    args: ['/../../../pwned', {}],
  });
  assert.equal(old.status, 404);
  assert.deepEqual(await readdir(join(s.paths.root, 'progress')).catch(() => []), []);
  assert.deepEqual(
    (await readdir(join(s.dir, '..'))).filter((f) => f.includes('pwned')),
    [],
  );
});

test('an unknown environment is a 404 on every route, and gets no lock file; a bad name is a 400', async (t) => {
  const s = await setup(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  const lock = await raw(client, 'POST', '/v1/envs/nowhere/lock', { holder: 'x', ttlMs: 1000 });
  assert.equal(lock.status, 404);
  assert.match(lock.json.error, /environment nowhere is not known to the daemon/);
  assert.equal(await stat(join(s.paths.root, 'lock.nowhere.json')).catch(() => 'absent'), 'absent');
  for (const route of ['observe', 'counts?releases=1', 'ledger/releases', 'metrics']) {
    assert.equal((await raw(client, 'GET', `/v1/envs/nowhere/${route}`)).status, 404, route);
  }
  // ('..' and '%2E%2E' never arrive: URLs are normalized before they are sent.)
  for (const name of ['Prod', 'a_b', '%2F', 'a%2F..', 'x'.repeat(64)]) {
    const r = await raw(client, 'GET', `/v1/envs/${name}/observe`);
    assert.equal(r.status, 400, name);
    assert.equal(r.json.field, 'path.env');
  }
});

test('every route with a body answers a wrong shape with 400 and the field', async (t) => {
  const s = await setup(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  const params = { env: 'development', release: '1' };
  for (const [name, def] of Object.entries(ROUTES)) {
    if (!('body' in def)) continue;
    const path = pathOf(name as RouteName, params);
    const junk = await raw(client, def.method, path, { surprise: 1 });
    assert.equal(junk.status, 400, `${name}: ${JSON.stringify(junk.json)}`);
    assert.match(junk.json.field ?? '', /^body\./, name);
    const notJson = await raw(client, def.method, path, '{not json');
    assert.equal(notJson.status, 400, name);
  }
  const cases: [string, string, unknown, string][] = [
    ['POST', '/v1/envs/development/traffic', { weights: { '1': '50' } }, 'body.weights.1'],
    ['POST', '/v1/envs/development/traffic', { weights: { x: 50 } }, 'body.weights.x'],
    ['POST', '/v1/envs/development/traffic', { weights: {}, stable: 0 }, 'body.stable'],
    ['POST', '/v1/envs/development/retire', { release: 1, drainMs: -5 }, 'body.drainMs'],
    ['POST', '/v1/envs/development/lock', { holder: 'me', ttlMs: 'soon' }, 'body.ttlMs'],
  ];
  for (const [method, path, body, field] of cases) {
    const r = await raw(client, method, path, body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.equal(r.json.field, field, r.json.error);
  }
  const unknownQuery = await raw(client, 'GET', '/v1/envs/development/observe?verbose=1');
  assert.deepEqual([unknownQuery.status, unknownQuery.json.field], [400, 'query.verbose']);
  const wrongMethod = await raw(client, 'DELETE', '/v1/envs/development/observe');
  assert.equal(wrongMethod.status, 405);
});

test('ensure refuses a digest that is a path and a runtime with unknown fields', async (t) => {
  const s = await setup(t);
  await deployAll(s, 1, 1);
  const client = (await DaemonClient.read(s.paths.root))!;
  const saved = JSON.parse(
    await (await import('node:fs/promises')).readFile(s.paths.runtime('development', 1), 'utf8'),
  ) as { runtime: Record<string, unknown>; proxy: unknown };
  const ensure = (runtime: unknown) =>
    raw(client, 'POST', '/v1/envs/development/revisions', { runtime, proxy: saved.proxy, replicas: 1 });
  const badDigest = await ensure({ ...saved.runtime, release: 2, digest: '../../../../etc' });
  assert.deepEqual([badDigest.status, badDigest.json.field], [400, 'body.runtime.digest']);
  const extra = await ensure({ ...saved.runtime, release: 2, cwd: '/' });
  assert.deepEqual([extra.status, extra.json.field], [400, 'body.runtime.cwd']);
});

test('set-traffic carries the stable revision: the daemon no longer needs to watch ledger writes', async (t) => {
  const s = await setup(t);
  await deployAll(s, 1, 1);
  const client = (await DaemonClient.read(s.paths.root))!;
  await client.call('traffic', {
    params: { env: 'development' },
    body: { weights: { '1': 100 }, stable: 1 },
  });
  const status = await client.call('status');
  assert.equal(status.environments.find((e) => e.name === 'development')?.stable, 1);
});

test('a state folder other users can write is refused with the fix; a new one is created 0700', async (t) => {
  const dir = await tempDir(t);
  const open = join(dir, 'open');
  await mkdir(open, { mode: 0o777 });
  await chmod(open, 0o777);
  await assert.rejects(ensureDaemon(open), (err: unknown) => {
    assert.ok(err instanceof StateFolderError);
    assert.match(err.message, /is writable by other users \(mode 777\).*fix: chmod 700/);
    return true;
  });
  await assert.rejects(DaemonClient.read(open), StateFolderError);
  const s = await setup(t);
  assert.equal((await stat(s.paths.root)).mode & 0o777, 0o700);
});

test('errors from the daemon keep their status for the client', async (t) => {
  const s = await setup(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  await assert.rejects(
    client.call('observe', { params: { env: 'nowhere' } }),
    (err: unknown) => err instanceof DaemonError && err.status === 404,
  );
});
