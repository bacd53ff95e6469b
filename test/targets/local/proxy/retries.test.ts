import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { get, proxy, revision, upstream } from './upstreams.ts';

/** A port with nothing listening: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('retries that shield users from a failing candidate', () => {
  it('retries a GET that got a 5xx on stable, and counts the failure on the candidate', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', (_req, res) => {
      res.writeHead(500).end('boom');
    });
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 50, '2': 50 },
        stable: '1',
      });
      const results = await Promise.all(Array.from({ length: 4 }, () => get(p)));
      assert.deepEqual(
        results.map((r) => [r.status, r.body]),
        Array.from({ length: 4 }, () => [200, 'stable']),
      );
      const counts = p.counts();
      assert.equal(counts['2']!.requests, 2);
      assert.equal(counts['2']!.errors, 2);
      assert.equal(counts['2']!.status['5xx'], 2);
      assert.equal(counts['2']!.retried, 2);
      assert.equal(counts['1']!.requests, 4, 'two of its own plus two retries');
      assert.equal(counts['1']!.errors, 0);
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('retries a GET whose candidate refuses connections', async () => {
    const stable = await upstream('stable');
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [
          revision('1', stable),
          { id: '2', instances: [{ host: '127.0.0.1', port: await closedPort() }] },
        ],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const res = await get(p);
      assert.deepEqual([res.status, res.body], [200, 'stable']);
      assert.equal(p.counts()['2']!.errors, 1);
      assert.equal(p.counts()['2']!.retried, 1);
    } finally {
      await p.close();
      await stable.close();
    }
  });

  it('retries a GET that found a dead stable instance on another one, then skips the dead one', async () => {
    const alive = await upstream('alive');
    const p = await proxy();
    try {
      const dead = { host: '127.0.0.1', port: await closedPort() };
      const table = {
        revisions: [{ id: '1', instances: [dead, { host: '127.0.0.1', port: alive.port }] }],
        weights: { '1': 100 },
        stable: '1',
      };
      p.setRoutes(table);
      const gets: number[] = [];
      for (let i = 0; i < 4; i++) gets.push((await get(p)).status);
      assert.deepEqual(gets, [200, 200, 200, 200]);
      assert.equal(p.counts()['1']!.retried, 1, 'only the first GET met the dead instance');
      p.setRoutes(table); // a new table forgets which instance was down; round-robin starts at the dead one
      const post = await get(p, '/', { method: 'POST', body: 'x' });
      assert.equal(post.status, 502, 'a POST is never retried');
      assert.equal((await get(p, '/', { method: 'POST', body: 'x' })).status, 200);
      assert.equal(p.counts()['1']!.errors, 2, 'the retried GET and the POST');
    } finally {
      await p.close();
      await alive.close();
    }
  });

  it('never retries a POST: the user sees the candidate failure', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', (_req, res) => {
      res.writeHead(503).end('canary down');
    });
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const res = await get(p, '/', { method: 'POST', body: 'order=1' });
      assert.deepEqual([res.status, res.body], [503, 'canary down']);
      assert.equal(stable.seen.length, 0);
      assert.equal(p.counts()['2']!.retried, 0);
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('replays a buffered body when the method is configured as idempotent (PUT)', async () => {
    const stable = await upstream('stable', (_req, res, body) => {
      res.end(`stable got ${body}`);
    });
    const canary = await upstream('canary', (_req, res) => {
      res.writeHead(502).end();
    });
    const p = await proxy({ retry: { methods: ['GET', 'PUT'], budgetPercent: 20 } });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const res = await get(p, '/item/7', { method: 'PUT', body: 'name=seven' });
      assert.deepEqual([res.status, res.body], [200, 'stable got name=seven']);
      assert.equal(canary.seen[0]!.body, 'name=seven');
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('streams a body larger than the buffer limit and does not retry it', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', (_req, res, body) => {
      res.writeHead(500).end(`canary read ${body.length} bytes`);
    });
    const p = await proxy({ retry: { methods: ['PUT'], budgetPercent: 100 }, maxRetryBodyBytes: 1024 });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const small = await get(p, '/', { method: 'PUT', body: 'x'.repeat(1000) });
      assert.equal(small.body, 'stable', 'a body within the limit is buffered and replayed');
      const big = await get(p, '/', { method: 'PUT', body: 'x'.repeat(5000) });
      assert.deepEqual([big.status, big.body], [500, 'canary read 5000 bytes']);
      const chunked = await get(p, '/', {
        method: 'PUT',
        body: new Blob(['y'.repeat(3000)]).stream(),
        duplex: 'half',
      } as RequestInit);
      assert.deepEqual(
        [chunked.status, chunked.body],
        [500, 'canary read 3000 bytes'],
        'an unbounded body past the limit streams on',
      );
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('stops retrying once the budget is spent', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', (_req, res) => {
      res.writeHead(500).end('boom');
    });
    // 10% of requests, no per-second floor: 10 failing requests in a row earn exactly one retry.
    const p = await proxy({ retry: { methods: ['GET'], budgetPercent: 10, minPerSecond: 0 } });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await get(p)).status);
      assert.deepEqual(statuses, [500, 500, 500, 500, 500, 500, 500, 500, 500, 200]);
      assert.equal(p.counts()['2']!.retried, 1);
      assert.equal(p.counts()['2']!.errors, 10);
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('does not retry a request pinned to the candidate', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', (_req, res) => {
      res.writeHead(500).end('pinned failure');
    });
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 100, '2': 0 },
        stable: '1',
        pinning: true,
      });
      const { pin } = p.issuePin('2', 60_000);
      const res = await get(p, '/', { headers: { 'x-slipway-revision': pin } });
      assert.deepEqual([res.status, res.body], [500, 'pinned failure']);
      // Served, but never evidence: a client choosing where its requests go proves nothing.
      assert.deepEqual(
        [p.counts()['2']!.errors, p.counts()['2']!.requests, p.counts()['2']!.pinned],
        [0, 0, 1],
      );
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });
});

describe('timeouts', () => {
  it('answers 504 when an upstream hangs, and counts it as an error and as slow', async () => {
    const hung = await upstream('hung', () => {
      /* never answers */
    });
    const p = await proxy({ upstreamTimeoutMs: 300, latencyBoundMs: 100 });
    try {
      p.setRoutes({ revisions: [revision('1', hung)], weights: { '1': 100 }, stable: '1' });
      const started = performance.now();
      const res = await get(p);
      const took = performance.now() - started;
      assert.equal(res.status, 504);
      assert.match(res.body, /did not answer within 300 ms/);
      assert.ok(took >= 250 && took < 5000, `took ${took} ms`);
      const c = p.counts()['1']!;
      assert.deepEqual([c.errors, c.slow, c.status['5xx'], c.inFlight], [1, 1, 1, 0]);
    } finally {
      await p.close();
      await hung.close();
    }
  });

  it('answers 502 naming the instance when a stable upstream refuses connections', async () => {
    const port = await closedPort();
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [{ id: '1', instances: [{ host: '127.0.0.1', port }] }],
        weights: { '1': 100 },
        stable: '1',
      });
      const res = await get(p);
      assert.equal(res.status, 502);
      assert.match(res.body, new RegExp(`revision 1 at 127.0.0.1:${port} failed: ECONNREFUSED`));
      assert.equal(p.counts()['1']!.errors, 1);
    } finally {
      await p.close();
    }
  });
});

describe('slow clients', () => {
  it('answers 408 to a client that never finishes its request headers', async () => {
    const p = await proxy({ headersTimeoutMs: 400 });
    try {
      const socket = connect({ host: '127.0.0.1', port: p.port });
      socket.write('GET / HTTP/1.1\r\nHost: slow\r\n');
      const started = performance.now();
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (c: Buffer) => {
          text += c.toString();
        });
        socket.on('close', () => resolve(text));
      });
      assert.match(answer, /^HTTP\/1\.1 408 Request Timeout/);
      assert.ok(performance.now() - started < 8000, 'the timeout is enforced, not left to the default 300 s');
    } finally {
      await p.close();
    }
  });
});
