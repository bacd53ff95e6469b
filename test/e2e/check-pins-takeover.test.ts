/**
 * A check pin outlives the proxy that signed it: after `kill -9` of the keeper the daemon serves the
 * port with a proxy of its own and a new key, and the pin the CLI holds (reused for minutes) is no
 * longer this proxy's. The proxy refuses it (marked), the check asks for a fresh one, and goes on
 * judging the candidate. Before, with pinning off, the stale pin was routed by weight: a check of a
 * candidate answering 500 read stable's 200 four times in five.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReader } from '../../src/providers/checks.ts';
import { checkPins } from '../../src/targets/local/check-pins.ts';
import { DaemonClient } from '../../src/targets/local/index.ts';
import { workspace } from './support/workspace.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('after a keeper takeover, an HTTP check through the proxy still reaches the candidate (a fresh pin)', {
  timeout: 180_000,
}, async (t) => {
  const ws = await workspace(t);
  await ws.write({ env: { APP_VERSION: '1.0.0' } });
  const first = await ws.run(['deploy', '--env', 'development']);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  await ws.write({
    env: { APP_VERSION: '2.0.0', FAIL_RATE: '1' },
    strategy: `canary:
    continuousAnalysis: false
    steps:
      - setWeight: 20
      - pause: {}`,
  });
  const cli = ws.start(['deploy', '--env', 'development']);
  let out = '';
  cli.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const t0 = Date.now();
  while (!/paused/.test(out) && Date.now() - t0 < 60_000) await sleep(50);
  assert.match(out, /paused/, out);

  const reader = checkReader({
    labels: { service: 'hello', environment: 'development' },
    pinFor: checkPins({ root: ws.stateDir, environment: 'development' }),
  });
  const spec = {
    kind: 'http' as const,
    name: 'root',
    url: `http://127.0.0.1:${ws.port}/`,
    method: 'GET' as const,
    expectStatus: 200,
    timeoutMs: 2000,
  };
  const reads = async (n: number) => {
    const values: (number | string | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const [r] = await reader.read([spec], 2);
      values.push(r?.value ?? r?.error);
    }
    return values;
  };
  assert.deepEqual(await reads(5), [500, 500, 500, 500, 500], 'the candidate answers the check');

  const before = (await DaemonClient.read(ws.stateDir))!;
  process.kill(before.info.keeperPid!, 'SIGKILL');
  // The daemon's own proxy answers again within milliseconds; give it a moment all the same.
  await sleep(1000);
  assert.deepEqual(await reads(10), Array(10).fill(500), 'still the candidate, never stable in its place');

  cli.kill('SIGKILL');
  const down = await ws.run(['local', 'down']);
  assert.equal(down.code, 0, down.stdout + down.stderr);
});
