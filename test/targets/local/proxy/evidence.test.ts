/**
 * What the proxy counts as evidence: a malformed request is the client's fault and counts for nobody;
 * a hanging request is evidence the moment it crosses the latency bound, and an idempotent one on a
 * candidate is then hedged to stable so the user still gets an answer.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import type { TrafficProxy } from '../../../../src/targets/local/proxy/index.ts';
import { get, proxy, revision, upstream } from './upstreams.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `ok` every 5 ms; fails when it takes longer than `withinMs` (a deadline with a 2-core margin). */
async function until(ok: () => boolean, what: string, withinMs: number): Promise<void> {
  const t0 = performance.now();
  while (!ok()) {
    if (performance.now() - t0 > withinMs + 300) assert.fail(`${what}: not within ${withinMs} ms`);
    await sleep(5);
  }
}

/** Sends `request` as raw bytes and resolves with everything the proxy answered. */
function raw(p: TrafficProxy, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(p.port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (b: Buffer) => {
      answer += b.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('client errors are evidence against nobody', () => {
  it('answers Host sent twice with 400 and counts it for no revision', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary');
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 50, '2': 50 },
        stable: '1',
      });
      for (let i = 0; i < 25; i++) {
        const answer = await raw(p, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
        assert.match(answer, /^HTTP\/1\.1 400 /);
        assert.match(answer, /the request has 2 Host headers; send exactly one/);
      }
      const counts = p.counts();
      for (const id of ['1', '2']) {
        assert.deepEqual([counts[id]!.requests, counts[id]!.errors, counts[id]!.inFlight], [0, 0, 0], id);
      }
      assert.equal(p.unrouted().requests, 0);
      assert.equal(stable.seen.length + canary.seen.length, 0, 'nothing reached an upstream');
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });
});

describe('hangs are evidence at once', () => {
  it('hedges an idempotent request hanging on the candidate to stable at the latency bound', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', () => {
      /* never answers */
    });
    const p = await proxy({ latencyBoundMs: 150, upstreamTimeoutMs: 30_000 });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const started = performance.now();
      const res = await get(p);
      const took = performance.now() - started;
      assert.deepEqual([res.status, res.body], [200, 'stable']);
      assert.ok(took >= 140 && took < 1500, `answered after ${took} ms, not at the 30 s timeout`);
      const c = p.counts()['2']!;
      assert.deepEqual(
        { requests: c.requests, errors: c.errors, slow: c.slow, retried: c.retried, inFlight: c.inFlight },
        { requests: 1, errors: 1, slow: 1, retried: 1, inFlight: 0 },
      );
      assert.equal(p.counts()['1']!.requests, 1);
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('counts a request that cannot be hedged as slow, then failed past twice the bound, while it hangs; once only', async () => {
    let release: (() => void) | undefined;
    const canary = await upstream('canary', (_req, res) => {
      release = () => res.end('late');
    });
    const stable = await upstream('stable');
    const p = await proxy({ latencyBoundMs: 100 });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      // POST is not idempotent: it stays on the candidate.
      const pending = get(p, '/', { method: 'POST', body: 'x' });
      await until(() => p.counts()['2']!.slow === 1, 'slow', 150);
      let c = p.counts()['2']!;
      assert.deepEqual([c.requests, c.slow, c.errors, c.inFlight], [1, 1, 0, 1], 'slow while in flight');
      // Past 2 × the bound (200 ms): failed, at once, and not retried (POST stays on the candidate).
      await until(() => p.counts()['2']!.errors === 1, 'failed', 330);
      c = p.counts()['2']!;
      assert.deepEqual(
        [c.requests, c.slow, c.errors, c.inFlight, c.retried],
        [1, 1, 1, 1, 0],
        'failed in flight',
      );
      release!();
      const res = await pending;
      assert.deepEqual([res.status, res.body], [200, 'late']);
      c = p.counts()['2']!;
      assert.deepEqual([c.requests, c.slow, c.errors, c.inFlight], [1, 1, 1, 0], 'not counted twice');
      assert.equal(c.latency.count, 1);
      assert.equal(stable.seen.length, 0, 'never sent to stable');
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });

  it('counts an in-flight request that then times out as one slow error', async () => {
    const hung = await upstream('hung', () => {
      /* never answers */
    });
    const p = await proxy({ latencyBoundMs: 100, upstreamTimeoutMs: 600 });
    try {
      p.setRoutes({ revisions: [revision('1', hung)], weights: { '1': 100 }, stable: '1' });
      const pending = get(p);
      await sleep(350);
      assert.deepEqual([p.counts()['1']!.requests, p.counts()['1']!.slow], [1, 1]);
      assert.equal((await pending).status, 504);
      const c = p.counts()['1']!;
      assert.deepEqual([c.requests, c.errors, c.slow, c.inFlight], [1, 1, 1, 0]);
    } finally {
      await p.close();
      await hung.close();
    }
  });

  it('does not hedge when the retry budget is spent, but still counts the hang', async () => {
    const stable = await upstream('stable');
    const canary = await upstream('canary', () => {
      /* never answers */
    });
    const p = await proxy({
      latencyBoundMs: 100,
      upstreamTimeoutMs: 700,
      retry: { methods: ['GET'], budgetPercent: 0, minPerSecond: 0 },
    });
    try {
      p.setRoutes({
        revisions: [revision('1', stable), revision('2', canary)],
        weights: { '1': 0, '2': 100 },
        stable: '1',
      });
      const res = await get(p);
      assert.equal(res.status, 504);
      const c = p.counts()['2']!;
      assert.deepEqual([c.requests, c.errors, c.slow, c.retried], [1, 1, 1, 0]);
    } finally {
      await p.close();
      await Promise.all([stable.close(), canary.close()]);
    }
  });
});
