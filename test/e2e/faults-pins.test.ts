/**
 * Issue 13's first attack, replayed: anonymous clients try to steer a healthy canary with pins and
 * malformed requests. Pinning is off unless slipway.yaml turns it on; when on, only a pin from
 * `slipway pin` is honoured; neither pinned nor malformed requests are evidence, so the canary is
 * promoted.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { DaemonClient } from '../../src/targets/local/index.ts';
import { healthyBaseline } from './support/faults.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function duplicateHost(port: number, headers = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.end(`GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n${headers}Connection: close\r\n\r\n`),
    );
    let answer = '';
    socket.on('data', (b: Buffer) => {
      answer += b.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('pins: off by default, signed when on, never evidence; malformed requests blame nobody', {
  timeout: 300_000,
}, async (t) => {
  const bench = await healthyBaseline(t);
  const { ws } = bench;
  const origin = `http://127.0.0.1:${ws.port}`;

  // Off: `slipway pin` says how to turn it on; the header is just a header.
  const off = await ws.run(['pin', '--env', 'development', '--release', '1']);
  assert.notEqual(off.code, 0);
  assert.match(
    off.stderr,
    /pinning is off in development: set proxy\.pinning\.enabled: true in slipway\.yaml/,
  );
  const ignored = await fetch(`${origin}/`, { headers: { 'x-slipway-revision': '99' } });
  assert.equal(ignored.status, 200, 'an unsigned pin is ignored while pinning is off');
  await ignored.text();

  // On, with a canary that pauses at 20 % long enough to be attacked.
  const strategy = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 20
      - pause: { duration: 8s }`;
  await ws.write({
    strategy,
    proxy: ['pinning: { enabled: true, ttl: 10m }'],
    env: { APP_VERSION: '2.0.0' },
  });
  const deploy = ws.start(['deploy', '--env', 'development']);
  let out = '';
  deploy.stdout?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  deploy.stderr?.on('data', (b: Buffer) => {
    out += b.toString();
  });
  const exited = new Promise<number | null>((resolve) => deploy.once('close', resolve));
  const client = await DaemonClient.read(ws.stateDir);
  assert.ok(client, 'a daemon serves');
  for (let i = 0; i < 200; i++) {
    const status = await client.call('status');
    const dev = status.environments.find((e) => e.name === 'development');
    if ((dev?.weights['2'] ?? 0) > 0) break;
    await sleep(100);
  }

  const granted = await ws.json<{ release: number; pin: string; header: string; cookie: string }>([
    'pin',
    '--env',
    'development',
    '--release',
    '2',
  ]);
  assert.equal(granted.release, 2);
  assert.equal(granted.header, 'x-slipway-revision');

  const attack: Promise<unknown>[] = [];
  for (let i = 0; i < 25; i++) {
    // Forged and bare pins get a 404 that names no revision.
    attack.push(
      fetch(`${origin}/`, {
        headers: { 'x-slipway-revision': i % 2 ? '2' : `2.9999999999.${'A'.repeat(43)}` },
      }).then(async (res) => {
        const body = await res.text();
        assert.equal(res.status, 404);
        assert.doesNotMatch(body, /\b[12]\b/, `no revision id in ${body}`);
      }),
    );
    // Host sent twice: 400 from the proxy, counted for nobody (it used to be the candidate's 502).
    attack.push(
      duplicateHost(ws.port, `x-slipway-revision: ${granted.pin}\r\n`).then((answer) =>
        assert.match(answer, /^HTTP\/1\.1 400 /),
      ),
    );
  }
  // The holder of a real pin reaches the candidate whatever the split, and is not counted.
  const pinned = await fetch(`${origin}/`, { headers: { [granted.header]: granted.pin } });
  assert.equal(pinned.status, 200);
  assert.match(await pinned.text(), /2\.0\.0/);
  await Promise.all(attack);

  const code = await exited;
  assert.equal(code, 0, `the canary is promoted despite the attack\n${out}`);
  const history = await ws.history();
  assert.equal(history.at(-1)?.outcome, 'promoted');
  assert.equal(bench.load.counts().errors, 0, `users saw: ${bench.load.counts().samples.join('; ')}`);
});
