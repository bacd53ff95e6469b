import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Agent, request } from 'undici';
import type { RouteTable } from '../../../../src/targets/local/proxy/index.ts';
import { VirtualClock } from '../../../support/virtual-clock.ts';
import { get, proxy, revision, tally, upstream } from './upstreams.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('atomic switch and drain', () => {
  it('lets in-flight requests finish on a removed revision and resolves drain when they have', async () => {
    const old = await upstream('old', (_req, res) => {
      setTimeout(() => res.end('old'), 1500);
    });
    const next = await upstream('new');
    const p = await proxy();
    try {
      p.setRoutes({ revisions: [revision('old', old)], weights: { old: 100 }, stable: 'old' });
      const inFlight = get(p);
      for (let i = 0; i < 500 && p.counts().old?.inFlight !== 1; i++) await sleep(10);
      p.setRoutes({ revisions: [revision('new', next)], weights: { new: 100 }, stable: 'new' });
      assert.equal((await get(p)).body, 'new', 'new requests go to the new table at once');
      assert.equal(p.counts().old!.inFlight, 1, 'the slow request is still on the old revision');
      const drained = await p.drain('old', 5000);
      assert.deepEqual(drained, { drained: true, inFlight: 0 });
      assert.equal(p.counts().old!.requests, 1, 'drain resolved after the slow request completed');
      assert.deepEqual(await inFlight.then((r) => [r.status, r.body]), [200, 'old']);
    } finally {
      await p.close();
      await Promise.all([old.close(), next.close()]);
    }
  });

  it('gives up at the deadline and reports what is still in flight (a 30 s drain, on a virtual clock)', async () => {
    const hung = await upstream('hung', () => {});
    const next = await upstream('new');
    const clock = new VirtualClock();
    const p = await proxy({ clock });
    try {
      p.setRoutes({ revisions: [revision('hung', hung)], weights: { hung: 100 } });
      const pending = get(p).catch(() => undefined);
      for (let i = 0; i < 500 && p.counts().hung?.inFlight !== 1; i++) await sleep(10);
      p.setRoutes({ revisions: [revision('new', next)], weights: { new: 100 } });
      const t0 = clock.now();
      const real = performance.now();
      assert.deepEqual(await p.drain('hung', 30_000), { drained: false, inFlight: 1 });
      assert.ok(clock.now() - t0 >= 30_000, 'it waited the whole deadline, in virtual time');
      assert.ok(performance.now() - real < 10_000, 'not in real time');
      assert.deepEqual(await p.drain('never-routed', 10), { drained: true, inFlight: 0 });
      await p.close();
      await pending;
    } finally {
      await p.close();
      await Promise.all([hung.close(), next.close()]);
    }
  });
});

describe('switching weights under load', () => {
  it('fails no request (GET and POST) while weights flip and revisions come and go', async () => {
    const blue = await upstream('blue', (_req, res, body) => setTimeout(() => res.end(`blue${body}`), 2));
    const green = await upstream('green', (_req, res, body) => setTimeout(() => res.end(`green${body}`), 2));
    const p = await proxy();
    const both = [revision('blue', blue), revision('green', green)];
    const tables: RouteTable[] = [
      { revisions: both, weights: { blue: 90, green: 10 }, stable: 'blue' },
      { revisions: both, weights: { blue: 0, green: 100 }, stable: 'blue' },
      { revisions: [revision('green', green)], weights: { green: 100 }, stable: 'green' },
      { revisions: both, weights: { blue: 50, green: 50 }, stable: 'green' },
      { revisions: [revision('blue', blue)], weights: { blue: 100 }, stable: 'blue' },
    ];
    p.setRoutes(tables[0]!);
    const agent = new Agent({ connections: 16 });
    const failures: string[] = [];
    const bodies: string[] = [];
    let sent = 0;
    let stop = false;
    const client = async (id: number) => {
      while (!stop && sent < 4000) {
        sent++;
        const post = sent % 3 === 0;
        try {
          const res = await request(`http://127.0.0.1:${p.port}/`, {
            dispatcher: agent,
            method: post ? 'POST' : 'GET',
            body: post ? `-${id}` : undefined,
          });
          const body = await res.body.text();
          if (res.statusCode !== 200) failures.push(`${res.statusCode} ${body}`);
          else bodies.push(body.replace(/-\d+$/, ''));
        } catch (error) {
          failures.push(String(error));
        }
      }
    };
    const clients = Array.from({ length: 16 }, (_, i) => client(i));
    // At least 40 switches and 400 answers (a busy machine serves fewer per switch), at most 20 s.
    const deadline = performance.now() + 20_000;
    let flips = 0;
    while ((flips < 40 || bodies.length < 400) && sent < 4000 && performance.now() < deadline) {
      await sleep(25);
      p.setRoutes(tables[flips % tables.length]!);
      flips++;
    }
    stop = true;
    await Promise.all(clients);
    await agent.close();
    await p.close();
    await Promise.all([blue.close(), green.close()]);
    assert.deepEqual(failures, []);
    const split = tally(bodies);
    assert.ok(flips >= 40 && bodies.length >= 400, `${flips} switches, ${bodies.length} answers`);
    assert.ok(split.blue! > 0 && split.green! > 0, JSON.stringify(split));
  });
});

describe('worker threads sharing the port', () => {
  it('routes with one SWRR schedule across threads and sums their counters', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    const p = await proxy({ workers: 2 });
    try {
      p.setRoutes({
        revisions: [revision('a', a), revision('b', b)],
        weights: { a: 75, b: 25 },
        stable: 'a',
        pinning: true,
      });
      // A table swap is visible to every thread as soon as setRoutes returns (and so is the pin key).
      const { pin } = p.issuePin('b', 60_000);
      assert.equal((await get(p, '/', { headers: { 'x-slipway-revision': pin } })).body, 'b');
      const bodies: string[] = [];
      for (let round = 0; round < 10; round++) {
        // Fresh connections, so the kernel spreads them over both threads.
        const batch = await Promise.all(
          Array.from({ length: 10 }, () =>
            get(p, '/', { headers: { connection: 'close' } }).then((r) => r.body),
          ),
        );
        bodies.push(...batch);
      }
      assert.deepEqual(tally(bodies), { a: 75, b: 25 });
      assert.equal(p.counts().a!.requests, 75);
      assert.equal(p.counts().b!.requests, 25);
      assert.equal(p.counts().b!.pinned, 1);
    } finally {
      await p.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});
