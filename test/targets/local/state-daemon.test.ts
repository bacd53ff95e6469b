/**
 * Damaged state under a real daemon: after a restart it still routes to the last good release, and
 * an emptied ledger is refused with the file and the fix instead of reading as "no releases".
 */
import assert from 'node:assert/strict';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import { findSetpriv } from '../../../src/targets/local/supervisor/spawn.ts';
import { deployAll, get, setup } from './daemon-helpers.ts';
import { isAlive, until } from './helpers.ts';

const needsSetpriv = { skip: findSetpriv() ? false : 'setpriv (util-linux) is not installed' };

async function killDaemon(stateDir: string): Promise<void> {
  const client = (await DaemonClient.read(stateDir))!;
  process.kill(client.info.pid, 'SIGKILL');
  await until('daemon gone', () => (isAlive(client.info.pid) ? undefined : true), 5000);
}

test(
  'a garbage ledger line and a garbage runtime file: after a restart routing comes back to the last good release',
  needsSetpriv,
  async (t) => {
    const s = await setup(t, { env: { APP_VERSION: 'v1' } });
    await deployAll(s, 1);
    await s.target.ledger().finish(1, 'promoted', ['test'], Date.now());
    await s.target.ledger().append({ kind: 'started', release: 1, at: 1, reason: 'later event' });
    const file = s.paths.ledger('development');
    await writeFile(file, `${(await readFile(file, 'utf8')).trimEnd()}\nGARBAGE LINE\n`);
    await s.target.ledger().append({ kind: 'started', release: 1, at: 2, reason: 'after garbage' });
    await writeFile(s.paths.runtime('development', 1), '{"runtime": ');

    await killDaemon(s.paths.root);
    const records = await s.target.ledger().releases(); // starts a new daemon
    assert.equal(records.at(-1)?.outcome, 'promoted');
    const answer = await until('routing restored', async () => {
      const r = await get(s.port).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    assert.equal(answer.body.version, 'v1');
    const client = (await DaemonClient.read(s.paths.root))!;
    const status = await client.call('status');
    const problems = status.environments[0]?.problems ?? [];
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /ledger\.development\.jsonl line 4 is damaged/);
    assert.equal(problems[0]!.line, 4);
    const log = await readFile(s.paths.daemonLog, 'utf8');
    assert.match(log, /runtime\/development\/1\.json is damaged.*rebuilt from the ledger record/);
  },
);

test('an emptied ledger: the daemon answers 409 naming the file, its evidence and the fix', async (t) => {
  const s = await setup(t, { env: { APP_VERSION: 'v1' } });
  await deployAll(s, 1);
  await s.target.ledger().saveProgress(1, { version: 2 });
  await s.target.ledger().finish(1, 'promoted', ['test'], Date.now());
  await truncate(s.paths.ledger('development'), 0);
  await assert.rejects(
    s.target.ledger().releases(),
    (e: Error & { status?: number }) =>
      e.status === 409 &&
      /ledger\.development\.jsonl has no record of release 1, although progress\/development\.1\.json, runtime\/development\/1\.json name it/.test(
        e.message,
      ) &&
      /doctor --fix/.test(e.message),
  );
  // What serves keeps serving.
  assert.equal((await get(s.port)).body.version, 'v1');
});
