/**
 * A release driven by the real engine through the local target while the daemon is killed with
 * `kill -9` at its pause: the keeper restarts the daemon, the target reconnects (new port, new token),
 * the adopted candidate is still there, and the same engine run carries the canary to promotion —
 * instead of ending it FAILED ("candidate revision has disappeared"). This is what a CLI watching a
 * release does (`slipway deploy`); the e2e test drives the CLI itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storeConfig } from '../../../src/config/index.ts';
import { deploy, systemClock } from '../../../src/engine/index.ts';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import { findSetpriv } from '../../../src/targets/local/supervisor/spawn.ts';
import { fixtureConfig } from './config-helpers.ts';
import { deployAll, get, setup, spec } from './daemon-helpers.ts';
import { isAlive } from './helpers.ts';

test('kill -9 of the daemon at a canary pause: the engine run reconnects and promotes the canary', {
  skip: findSetpriv() ? false : 'setpriv (util-linux) is not installed',
  timeout: 180_000,
}, async (t) => {
  const s = await setup(t, { env: { APP_VERSION: 'v1' } });
  await deployAll(s, 1, 1);
  await s.target.ledger().finish(1, 'promoted', ['test'], Date.now());
  const { release: _, ...base } = spec(s, 2);
  const canary = {
    ...base,
    strategy: {
      kind: 'canary' as const,
      continuousAnalysis: false,
      steps: [
        { kind: 'weight' as const, weight: 50 },
        { kind: 'pause' as const, durationMs: 3000 },
      ],
    },
  };
  let killed: number | undefined;
  const phases: string[] = [];
  const outcome = await deploy(
    {
      target: s.target,
      metrics: s.target.metrics(),
      clock: systemClock,
      holder: 'daemon-kill-engine test',
      pollMs: 500,
      onProgress: (d) => {
        phases.push(d.phase);
        if (d.phase === 'paused' && killed === undefined) {
          killed = 0;
          void DaemonClient.read(s.paths.root).then((c) => {
            killed = c!.info.pid;
            process.kill(killed, 'SIGKILL');
          });
        }
      },
    },
    { spec: canary, config: storeConfig(fixtureConfig(s.port, { env: { APP_VERSION: 'v2' } })) },
  );
  t.diagnostic(`phases: ${[...new Set(phases)].join(' → ')}`);
  assert.ok(killed, 'the daemon was killed at the pause');
  assert.equal(isAlive(killed), false);
  assert.equal(outcome.kind, 'promoted', JSON.stringify(outcome));
  const after = (await DaemonClient.read(s.paths.root))!;
  assert.notEqual(after.info.pid, killed, 'a new daemon serves');
  assert.deepEqual((await s.target.observe()).weights, { '2': 100 });
  assert.equal((await get(s.port)).body.release, '2');
});
