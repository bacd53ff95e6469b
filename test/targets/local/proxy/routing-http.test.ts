import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrafficProxy } from '../../../../src/targets/local/proxy/index.ts';
import { get, proxy, revision, tally, type Upstream, upstream } from './upstreams.ts';

describe('routing through the proxy', () => {
  let p: TrafficProxy;
  let blue: Upstream;
  let green1: Upstream;
  let green2: Upstream;

  before(async () => {
    blue = await upstream('blue');
    green1 = await upstream('green-1');
    green2 = await upstream('green-2');
    p = await proxy();
  });
  after(async () => {
    await p.close();
    await Promise.all([blue, green1, green2].map((u) => u.close()));
  });

  it('answers 503 with Retry-After while no release is serving', async () => {
    const res = await get(p);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    assert.match(res.body, /no release is serving/);
  });

  it('splits exactly by weight (SWRR) and round-robins among instances', async () => {
    p.setRoutes({
      revisions: [revision('blue', blue), revision('green', green1, green2)],
      weights: { blue: 70, green: 30 },
      stable: 'blue',
    });
    const bodies: string[] = [];
    for (let i = 0; i < 200; i++) bodies.push((await get(p)).body);
    assert.deepEqual(tally(bodies), { blue: 140, 'green-1': 30, 'green-2': 30 });
    const counts = p.counts();
    assert.equal(counts.blue!.requests, 140);
    assert.equal(counts.green!.status['2xx'], 60);
    assert.equal(counts.green!.latency.count, 60);
  });

  it('counts the 503s of an empty table for no revision', async () => {
    assert.equal(p.unrouted().requests, 1);
    assert.equal(p.unrouted().errors, 1);
    assert.match(await p.metrics(), /slipway_proxy_unrouted_requests_total 1/);
  });

  it('sets X-Forwarded-* and strips hop-by-hop headers both ways', async () => {
    const echo = await upstream('echo', (_req, res) => {
      res.writeHead(200, {
        'keep-alive': 'timeout=5',
        'x-kept': 'yes',
        connection: 'x-drop-me',
        'x-drop-me': '1',
      });
      res.end('ok');
    });
    p.setRoutes({ revisions: [revision('echo', echo)], weights: { echo: 100 } });
    const res = await get(p, '/path?q=1', {
      headers: { 'x-forwarded-for': '203.0.113.7', 'proxy-authorization': 'secret', 'x-custom': 'kept' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-kept'), 'yes');
    assert.equal(res.headers.get('x-drop-me'), null);
    const seen = echo.seen.at(-1)!;
    assert.equal(seen.url, '/path?q=1');
    assert.equal(seen.headers['x-forwarded-for'], '203.0.113.7, 127.0.0.1');
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers['x-forwarded-host'], `127.0.0.1:${p.port}`);
    assert.equal(seen.headers.host, `127.0.0.1:${p.port}`);
    assert.equal(seen.headers['proxy-authorization'], undefined);
    assert.equal(seen.headers['x-custom'], 'kept');
    await echo.close();
  });

  it('streams request and response bodies', async () => {
    const echo = await upstream('echo', (_req, res, body) => {
      res.write(body.toUpperCase());
      setTimeout(() => res.end('!'), 20);
    });
    p.setRoutes({ revisions: [revision('echo', echo)], weights: { echo: 100 } });
    const big = 'x'.repeat(3 * 1024 * 1024);
    const res = await get(p, '/', { method: 'POST', body: big });
    assert.equal(res.body.length, big.length + 1);
    assert.ok(res.body.endsWith('X!'));
    await echo.close();
  });

  it('exposes the counters as Prometheus text with a revision label', async () => {
    const text = await p.metrics();
    assert.match(text, /slipway_proxy_requests_total\{revision="blue"\} \d+/);
    assert.match(text, /slipway_proxy_responses_total\{revision="green",code="2xx"\} \d+/);
    assert.match(text, /slipway_proxy_request_duration_seconds_bucket\{revision="blue",le="\+Inf"\} \d+/);
    assert.match(text, /# TYPE slipway_proxy_request_duration_seconds histogram/);
  });
});

describe('sticky sessions through the proxy', () => {
  it('sets a session cookie and keeps the session on its revision', async () => {
    const a = await upstream('a');
    const b = await upstream('b');
    const p = await proxy({ sticky: true });
    try {
      p.setRoutes({
        revisions: [revision('a', a), revision('b', b)],
        weights: { a: 50, b: 50 },
        stable: 'a',
      });
      const first = await get(p);
      const cookie = first.headers.get('set-cookie')!;
      assert.match(cookie, /^slipway-session=[0-9a-f-]{36}; Path=\/; HttpOnly/);
      const session = cookie.split(';')[0]!;
      for (let i = 0; i < 10; i++) {
        const res = await get(p, '/', { headers: { cookie: session } });
        assert.equal(res.body, first.body);
        assert.equal(res.headers.get('set-cookie'), null);
      }
      // Many sessions spread over both revisions.
      const bodies: string[] = [];
      for (let i = 0; i < 60; i++)
        bodies.push((await get(p, '/', { headers: { cookie: `slipway-session=s${i}` } })).body);
      const spread = tally(bodies);
      assert.ok(spread.a! > 10 && spread.b! > 10, JSON.stringify(spread));
    } finally {
      await p.close();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('counter slots', () => {
  it('recycles the counters of the oldest revision that left the table, and says when none can go', async () => {
    const u = await upstream('u');
    const p = await proxy({ maxRevisions: 2 });
    const only = (id: string) => ({ revisions: [revision(id, u)], weights: { [id]: 100 } });
    try {
      p.setRoutes(only('a'));
      await get(p);
      p.setRoutes({ revisions: [revision('b', u), revision('c', u)], weights: { b: 50, c: 50 } });
      assert.deepEqual(Object.keys(p.counts()).sort(), ['b', 'c'], 'a was forgotten to make room for c');
      assert.equal(p.counts().c!.requests, 0, 'c starts from zero, not from what a left behind');
      assert.throws(
        () =>
          p.setRoutes({
            revisions: [revision('b', u), revision('c', u), revision('d', u)],
            weights: { b: 50, c: 25, d: 25 },
          }),
        /keeps counters for 2 revisions and all are in use; raise maxRevisions/,
      );
    } finally {
      await p.close();
      await u.close();
    }
  });
});
