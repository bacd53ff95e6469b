/** Orphans of a previous daemon are found by their state-folder marker, and only they are killed. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { reapOrphans, STATE_DIR_VAR } from '../../../src/targets/local/supervisor/reaper.ts';
import { isAlive, tempDir, until } from './helpers.ts';

const sleeper = (env: Record<string, string>) =>
  spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { env, stdio: 'ignore' });

test('reapOrphans kills the processes marked with this state folder, and no other', async (t) => {
  const dir = await tempDir(t);
  const other = await tempDir(t);
  const ours = sleeper({ [STATE_DIR_VAR]: dir });
  const theirs = sleeper({ [STATE_DIR_VAR]: other });
  const prefix = sleeper({ [STATE_DIR_VAR]: `${dir}-2` });
  t.after(() => {
    for (const c of [ours, theirs, prefix]) c.kill('SIGKILL');
  });
  await until('marked processes visible', () => (ours.pid && theirs.pid && prefix.pid ? true : undefined));
  const killed = await until('reaped', async () => {
    const k = await reapOrphans(dir);
    return k.length ? k : undefined;
  });
  assert.deepEqual(killed, [ours.pid]);
  await until('gone', () => (isAlive(ours.pid!) ? undefined : true));
  assert.equal(isAlive(theirs.pid!), true);
  assert.equal(isAlive(prefix.pid!), true);
});
