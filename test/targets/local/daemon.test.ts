/** The detached daemon and `LocalTarget` with real processes and real HTTP on 127.0.0.1. */
import assert from 'node:assert/strict';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { LockHeldError } from '../../../src/engine/target.ts';
import { DaemonClient, DaemonError, ensureDaemon } from '../../../src/targets/local/daemon/client.ts';
import type { EnvironmentStatus } from '../../../src/targets/local/daemon/environment.ts';
import { openLocalTarget } from '../../../src/targets/local/target.ts';
import { fixtureConfig } from './config-helpers.ts';
import { deployAll, get, record, setup, spec, stopEverything } from './daemon-helpers.ts';
import { freeProxyPort, isAlive, until } from './helpers.ts';

test('the control API refuses requests without the bearer token; the token file is 0600', async (t) => {
  const s = await setup(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  for (const headers of [{}, { authorization: 'Bearer wrong' }]) {
    const res = await fetch(`${client.baseUrl}/v1/status`, { headers });
    assert.equal(res.status, 401);
    assert.match(((await res.json()) as { error: string }).error, /bearer token/);
  }
  assert.equal((await stat(s.paths.daemonToken)).mode & 0o777, 0o600);
  assert.equal(((await client.request('GET', '/v1/health')) as { pid: number }).pid, client.info.pid);
});

test('ensure, route, observe, a second release behind weights, retire with drain', async (t) => {
  const s = await setup(t, { env: { APP_VERSION: 'v1' } });
  await deployAll(s, 1, 2);
  assert.deepEqual(await get(s.port).then((r) => [r.status, r.body.version]), [200, 'v1']);
  const obs = await s.target.observe();
  assert.deepEqual(obs, { revisions: [{ release: 1, desired: 2, ready: 2 }], weights: { '1': 100 } });

  const v2 = fixtureConfig(s.port, { env: { APP_VERSION: 'v2' } });
  await s.target.ledger().begin(record(s, 2, { config: v2 }));
  await s.target.apply([{ kind: 'ensure-revision', release: 2, replicas: 1 }], spec(s, 2));
  await until('release 2 ready', async () =>
    (await s.target.observe()).revisions.find((r) => r.release === 2)?.ready === 1 ? true : undefined,
  );
  await s.target.apply([{ kind: 'set-traffic', weights: { '1': 50, '2': 50 } }], spec(s, 2));
  const seen = new Set<unknown>();
  for (let i = 0; i < 20; i++) seen.add((await get(s.port)).body.version);
  assert.deepEqual([...seen].sort(), ['v1', 'v2']);
  const client = (await DaemonClient.read(s.paths.root))!;
  const metricsUrl = `${client.baseUrl}/metrics`;
  assert.equal((await fetch(metricsUrl)).status, 401);
  const token = (await readFile(s.paths.daemonToken, 'utf8')).trim();
  const exposition = await (
    await fetch(metricsUrl, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  assert.match(exposition, /slipway_proxy_requests_total\{environment="development",revision="2"\} \d+/);
  const counts = await s.target.metrics().counts([1, 2]);
  assert.ok(counts['1']!.requests >= 5 && counts['2']!.requests >= 5, JSON.stringify(counts));

  await assert.rejects(
    s.target.apply([{ kind: 'retire-revision', release: 1, drainMs: 500 }], spec(s, 2)),
    /revision 1 still has 50% of the traffic/,
  );
  await s.target.apply(
    [
      { kind: 'set-traffic', weights: { '1': 0, '2': 100 } },
      { kind: 'retire-revision', release: 1, drainMs: 500 },
    ],
    spec(s, 2),
  );
  assert.equal((await get(s.port)).body.version, 'v2');
  assert.deepEqual(
    (await s.target.observe()).revisions.map((r) => r.release),
    [2],
  );
  // Retiring again is a no-op (the engine may repeat actions after a crash).
  await s.target.apply([{ kind: 'retire-revision', release: 1, drainMs: 500 }], spec(s, 2));
});

test('traffic only goes to revisions with ready instances', async (t) => {
  const s = await setup(t);
  await s.target.ledger().begin(record(s, 1));
  await assert.rejects(
    s.target.apply([{ kind: 'set-traffic', weights: { '1': 100 } }], spec(s, 1)),
    /revision 1 does not run in development/,
  );
});

test('changes() wakes on events from the daemon, long before its 25 s poll would end', async (t) => {
  const s = await setup(t);
  const ac = new AbortController();
  t.after(() => ac.abort());
  const it = s.target.changes(ac.signal)[Symbol.asyncIterator]();
  const first = it.next().then(() => 'woke');
  await s.target.ledger().begin(record(s, 1));
  await s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1));
  assert.equal(await Promise.race([first, sleep(10_000).then(() => 'still waiting')]), 'woke');
  const second = it.next().then(() => 'woke');
  await until('ready', async () => ((await s.target.observe()).revisions[0]?.ready === 1 ? true : undefined));
  assert.equal(await Promise.race([second, sleep(10_000).then(() => 'still waiting')]), 'woke');
  ac.abort();
});

test('a missing secret is refused naming the secret and where it was looked for; values never leak', async (t) => {
  const secret = 'hunter2-very-secret-value';
  const s = await setup(t, {
    secrets: {
      DB_PASSWORD: { source: 'file', key: 'DB_PASSWORD' },
      API_TOKEN: { source: 'env', key: 'FIXTURE_API_TOKEN' },
    },
    env: { NEEDS_VAR: 'DB_PASSWORD' },
  });
  await s.target.ledger().begin(record(s, 1));
  await assert.rejects(
    s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1)),
    new RegExp(
      `secret DB_PASSWORD for environment development was not found: looked for key DB_PASSWORD in ${s.paths.secrets('development')}`,
    ),
  );
  await writeFile(s.paths.secrets('development'), `DB_PASSWORD=${secret}\n`, { mode: 0o600 });
  await assert.rejects(
    s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1)),
    /secret API_TOKEN .* the environment variable FIXTURE_API_TOKEN of the deploying process/,
  );
  const target = await openLocalTarget({
    stateDir: s.paths.root,
    environment: 'development',
    config: s.config,
    serviceDir: s.dir,
    processEnv: { FIXTURE_API_TOKEN: `${secret}-2` },
  });
  await target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1));
  await until('ready', async () => ((await target.observe()).revisions[0]?.ready === 1 ? true : undefined));
  const client = (await DaemonClient.read(s.paths.root))!;
  const status = JSON.stringify(await client.request('GET', '/v1/status'));
  assert.doesNotMatch(status, /hunter2/);
  // Nothing in the state folder holds a value except the secrets file itself and the daemon's
  // 0600 store of the `source: env` value (what a restart restores with, secrets.test.ts).
  const files = await listFiles(s.paths.root);
  const store = s.paths.secretStore('development', 1);
  assert.deepEqual(JSON.parse(await readFile(store, 'utf8')), { FIXTURE_API_TOKEN: `${secret}-2` });
  for (const f of files.filter((f) => f !== s.paths.secrets('development') && f !== store)) {
    assert.doesNotMatch(await readFile(f, 'utf8'), /hunter2/, f);
  }
});

test('the proxy port already in use: a clear error naming the port', async (t) => {
  const blocker = createServer();
  const port = await freeProxyPort();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  t.after(() => blocker.close());
  const s = await setup(t, { proxy: { port } });
  await s.target.ledger().begin(record(s, 1));
  await assert.rejects(
    s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1)),
    new RegExp(`proxy port ${port} for environment development is already in use by another process`),
  );
  assert.deepEqual((await s.target.observe()).revisions, [], 'no instance was started');
});

test('an artifact missing from the store is refused before anything starts', async (t) => {
  const s = await setup(t);
  await s.target.ledger().begin(record(s, 1, { digest: `sha256:${'0'.repeat(64)}` }));
  await assert.rejects(
    s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1)),
    (err: unknown) => err instanceof DaemonError && /is not in the local store/.test(err.message),
  );
});

test('a second lock holder is refused, naming the holder; the first can renew and release', async (t) => {
  const s = await setup(t);
  const lock = await s.target.lock('alice (pid 11)', 30_000);
  await assert.rejects(s.target.lock('bob (pid 12)', 30_000), (err: unknown) => {
    assert.ok(err instanceof LockHeldError);
    assert.equal(err.holder, 'alice (pid 11)');
    return true;
  });
  await lock.renew();
  await lock.release();
  const bob = await s.target.lock('bob (pid 12)', 30_000);
  await bob.release();
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

test('a daemon whose state folder is deleted stops itself and its instances', async (t) => {
  const s = await setup(t);
  await deployAll(s, 1, 1);
  const client = (await DaemonClient.read(s.paths.root))!;
  const status = await client.request<{ environments: EnvironmentStatus[] }>('GET', '/v1/status');
  const appPid = status.environments[0]!.revisions[0]!.instances[0]!.pid!;
  await rm(s.paths.daemonPid);
  await until(
    'daemon and app gone',
    () => (isAlive(client.info.pid) || isAlive(appPid) ? undefined : true),
    15_000,
  );
});

test('a pid file left by a killed daemon whose pid now belongs to another process does not block a new daemon', async (t) => {
  const s = await setup(t);
  await stopEverything(s.paths);
  await writeFile(s.paths.daemonPid, `${process.pid}\n`); // alive, but not a daemon of this folder
  await ensureDaemon(s.paths.root);
  const client = (await DaemonClient.read(s.paths.root))!;
  assert.notEqual(client.info.pid, process.pid);
  assert.equal((await readFile(s.paths.daemonPid, 'utf8')).trim(), String(client.info.pid));
});
