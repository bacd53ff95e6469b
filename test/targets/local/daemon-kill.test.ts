/**
 * `kill -9` of the daemon: no app process outlives it, and a new daemon (started on demand by
 * the target's next call) restores routing to the last promoted release.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import type { EnvironmentStatus } from '../../../src/targets/local/daemon/environment.ts';
import { findSetpriv } from '../../../src/targets/local/supervisor/spawn.ts';
import { fixtureConfig } from './config-helpers.ts';
import { deployAll, get, record, setup, spec } from './daemon-helpers.ts';
import { isAlive, until } from './helpers.ts';

test('kill -9 of the daemon mid-rollout leaves no orphan; the next call restores routing to the last good release', {
  skip: findSetpriv() ? false : 'setpriv (util-linux) is not installed',
}, async (t) => {
  const s = await setup(t, { env: { APP_VERSION: 'v1' } });
  await deployAll(s, 1, 2);
  await s.target.ledger().finish(1, 'promoted', ['test'], Date.now());
  assert.equal((await get(s.port)).body.version, 'v1');
  // Mid-rollout: release 2 takes half the traffic when the daemon dies.
  await s.target
    .ledger()
    .begin(record(s, 2, { config: fixtureConfig(s.port, { env: { APP_VERSION: 'v2' } }) }));
  await s.target.apply([{ kind: 'ensure-revision', release: 2, replicas: 1 }], spec(s, 2));
  await until('release 2 ready', async () =>
    (await s.target.observe()).revisions.find((r) => r.release === 2)?.ready === 1 ? true : undefined,
  );
  await s.target.apply([{ kind: 'set-traffic', weights: { '1': 50, '2': 50 } }], spec(s, 2));

  const client = (await DaemonClient.read(s.paths.root))!;
  const status = await client.request<{ environments: EnvironmentStatus[] }>('GET', '/v1/status');
  const appPids = status.environments[0]!.revisions.flatMap((r) => r.instances.map((i) => i.pid!));
  assert.equal(appPids.length, 3);

  process.kill(client.info.pid, 'SIGKILL');
  await until(
    'daemon and apps gone',
    () => ([client.info.pid, ...appPids].every((p) => !isAlive(p)) ? true : undefined),
    2000,
  );
  await assert.rejects(get(s.port), 'the proxy died with the daemon');

  // The target notices the daemon is gone, starts a new one, which restores routing on its own.
  const t0 = performance.now();
  const obs = await s.target.observe();
  const answer = await until('routing restored', async () => {
    const r = await get(s.port).catch(() => undefined);
    return r?.status === 200 ? r : undefined;
  });
  const totalMs = performance.now() - t0;
  assert.equal(answer.body.version, 'v1');
  assert.ok(obs.revisions.length <= 1);
  const log = await readFile(s.paths.daemonLog, 'utf8');
  const restored = log
    .split('\n')
    .filter((l) => l.includes('routing restored'))
    .map((l) => JSON.parse(l) as { msSinceStart: number })
    .at(-1)!;
  t.diagnostic(
    `restore: ${restored.msSinceStart} ms from daemon process start; ${Math.round(totalMs)} ms seen by the client`,
  );
  // The goal is 2 s; it is reported above, not asserted: a timed unit test on a shared 2-core machine
  // measures the neighbours. Only a hang (waiting out a timeout instead of restoring) fails here.
  assert.ok(
    restored.msSinceStart < 10_000,
    `routing restored only ${restored.msSinceStart} ms after the daemon started: a timeout, not a restore`,
  );
  // Only the last promoted release comes back; the engine resumes or rolls back release 2.
  const after = await s.target.observe();
  assert.deepEqual(after.weights, { '1': 100 });
  assert.deepEqual(
    after.revisions.map((r) => r.release),
    [1],
  );
  for (let i = 0; i < 10; i++) assert.equal((await get(s.port)).body.version, 'v1');
});
