/**
 * `kill -9` of the daemon: the keeper holds the proxy and the app processes, so users are served
 * throughout from the same table; the keeper starts the daemon again by itself (no call needed),
 * and the new daemon adopts the same processes and split. `kill -9` of the keeper and the daemon
 * together: the apps they leave (the keeper starts them without a parent-death signal, so they
 * survive the keeper alone) are reaped by the next daemon, which starts the last promoted release
 * again. (The keeper alone: test/e2e/faults-campaign-keeper.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import type { StatusAnswer } from '../../../src/targets/local/daemon/protocol/answers.ts';
import { findSetpriv } from '../../../src/targets/local/supervisor/spawn.ts';
import { fixtureConfig } from './config-helpers.ts';
import { deployAll, get, record, type Setup, setup, spec } from './daemon-helpers.ts';
import { isAlive, until } from './helpers.ts';

const skip = findSetpriv() ? false : 'setpriv (util-linux) is not installed';

/** A release 1 promoted and a release 2 at 50 % when the fault strikes. */
async function midCanary(t: import('node:test').TestContext): Promise<Setup> {
  const s = await setup(t, { env: { APP_VERSION: 'v1' } });
  await deployAll(s, 1, 2);
  await s.target.ledger().finish(1, 'promoted', ['test'], Date.now());
  await s.target
    .ledger()
    .begin(record(s, 2, { config: fixtureConfig(s.port, { env: { APP_VERSION: 'v2' } }) }));
  await s.target.apply([{ kind: 'ensure-revision', release: 2, replicas: 1 }], spec(s, 2));
  await until('release 2 ready', async () =>
    (await s.target.observe()).revisions.find((r) => r.release === 2)?.ready === 1 ? true : undefined,
  );
  await s.target.apply([{ kind: 'set-traffic', weights: { '1': 50, '2': 50 }, stable: 1 }], spec(s, 2));
  return s;
}

/** Requests one after another until stopped (at most 20 s): how many failed, and how. */
function load(port: number) {
  const result = { ok: 0, failed: 0, errors: [] as string[] };
  let stop = false;
  const done = (async () => {
    const end = performance.now() + 20_000;
    while (!stop && performance.now() < end) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        await res.arrayBuffer();
        if (res.status === 200) result.ok++;
        else {
          result.failed++;
          result.errors.push(`HTTP ${res.status}`);
        }
      } catch (err) {
        result.failed++;
        result.errors.push((err as Error).message);
      }
    }
  })();
  return {
    async stop() {
      stop = true;
      await done;
      return result;
    },
  };
}

const appPids = (s: StatusAnswer) =>
  s.environments[0]!.revisions.flatMap((r) => r.instances.map((i) => i.pid!)).sort();

test('kill -9 of the daemon mid-canary: no request fails, the daemon comes back by itself and adopts the same processes and split', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const s = await midCanary(t);
  const before = (await DaemonClient.read(s.paths.root))!;
  assert.ok(before.info.keeperPid, 'the daemon runs under a keeper');
  const status = await before.call('status');
  assert.equal(appPids(status).length, 3);

  const traffic = load(s.port);
  await new Promise((r) => setTimeout(r, 300));
  const killedAt = performance.now();
  process.kill(before.info.pid, 'SIGKILL');
  // Nobody calls the daemon: the keeper restarts it on its own.
  const after = await until(
    'a new daemon answering',
    async () => {
      const c = await DaemonClient.read(s.paths.root);
      return c && c.info.pid !== before.info.pid && (await c.healthy()) ? c : undefined;
    },
    15_000,
  );
  const backMs = performance.now() - killedAt;
  await new Promise((r) => setTimeout(r, 300));
  const result = await traffic.stop();
  t.diagnostic(
    `daemon back after ${Math.round(backMs)} ms; requests ${result.ok} ok, ${result.failed} failed`,
  );
  assert.equal(isAlive(before.info.pid), false);
  assert.equal(after.info.keeperPid, before.info.keeperPid);
  assert.equal(result.failed, 0, result.errors.slice(0, 5).join('; '));
  assert.ok(result.ok > 10, `only ${result.ok} requests went through`);

  const adopted = await after.call('status');
  assert.deepEqual(appPids(adopted), appPids(status), 'the same processes, adopted');
  assert.deepEqual(adopted.environments[0]!.weights, { '1': 50, '2': 50 });
  assert.equal(adopted.environments[0]!.stable, 1);
  const obs = await s.target.observe();
  assert.deepEqual(
    obs.revisions.map((r) => [r.release, r.desired, r.ready]),
    [
      [1, 2, 2],
      [2, 1, 1],
    ],
  );
  const log = await readFile(s.paths.daemonLog, 'utf8');
  for (const line of log
    .split('\n')
    .filter((l) => /exited; starting|daemon listening|routing adopted|adopting/.test(l)))
    t.diagnostic(line);
  assert.match(log, /routing adopted/);
  assert.match(log, /daemon exited; starting it again/);
});

test('kill -9 of the keeper and the daemon: the next call reaps their apps and restores the last promoted release', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const s = await midCanary(t);
  const client = (await DaemonClient.read(s.paths.root))!;
  const apps = appPids(await client.call('status'));
  const pids = [client.info.keeperPid!, client.info.pid];
  process.kill(client.info.keeperPid!, 'SIGKILL');
  process.kill(client.info.pid, 'SIGKILL');
  await until('keeper and daemon gone', () => (pids.every((p) => !isAlive(p)) ? true : undefined), 5000);
  await assert.rejects(get(s.port), 'the proxy died with the keeper');
  assert.ok(
    apps.some((p) => isAlive(p)),
    'the apps outlive keeper and daemon until the next daemon',
  );

  await s.target.observe(); // starts a keeper and a daemon again
  const answer = await until('routing restored', async () => {
    const r = await get(s.port).catch(() => undefined);
    return r?.status === 200 ? r : undefined;
  });
  assert.equal(answer.body.version, 'v1');
  await until('release 1 only', async () => {
    const o = await s.target.observe();
    return JSON.stringify(o.weights) === '{"1":100}' ? o : undefined;
  });
  assert.deepEqual(
    (await s.target.observe()).revisions.map((r) => r.release),
    [1],
  );
  for (const p of apps) assert.equal(isAlive(p), false, `app ${p} of the killed keeper was reaped`);
});
