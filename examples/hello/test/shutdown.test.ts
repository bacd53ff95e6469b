import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sampleValue } from './support/app.ts';
import { startServer } from './support/server.ts';

/** Polls /metrics until at least `count` requests are in flight (the scrape itself is one of them). */
async function waitForInFlight(url: string, count: number): Promise<void> {
  let seen: number | undefined;
  for (let i = 0; i < 200; i++) {
    seen = sampleValue(await (await fetch(`${url}/metrics`)).text(), 'http_requests_in_flight', {});
    if (seen !== undefined && seen >= count) return;
    await sleep(25);
  }
  assert.fail(`expected ${count} requests in flight, last saw ${seen}`);
}

/** Resolves with the error code of a fresh TCP connection attempt, or 'connected'. */
async function tryConnect(url: string): Promise<string> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  try {
    await once(socket, 'connect');
    return 'connected';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown';
  } finally {
    socket.destroy();
  }
}

describe('graceful shutdown', () => {
  test('SIGTERM under 50 in-flight requests: every one completes with 200, new connections are refused, exit 0', async (t) => {
    const server = await startServer({ LATENCY_MS: '2000' });
    t.after(() => server.kill());
    const pending = new Set<number>();
    const requests = Array.from({ length: 50 }, async (_, i) => {
      pending.add(i);
      const res =
        i % 2 === 0
          ? await fetch(`${server.url}/`)
          : await fetch(`${server.url}/echo`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ i }),
            });
      const body = await res.json();
      pending.delete(i);
      return { i, status: res.status, connection: res.headers.get('connection'), body };
    });
    await waitForInFlight(server.url, 51);

    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    let refusedWhilePending = false;
    while (pending.size > 0 && !refusedWhilePending && performance.now() - signalledAt < 1500) {
      refusedWhilePending = (await tryConnect(server.url)) === 'ECONNREFUSED' && pending.size > 0;
      if (!refusedWhilePending) await sleep(20);
    }
    assert.ok(refusedWhilePending, 'the listener closed while requests were still in flight');

    const results = await Promise.all(requests);
    for (const { i, status, connection, body } of results) {
      assert.equal(status, 200, `request ${i}`);
      assert.equal(connection, 'close', `request ${i} is told its connection will close`);
      assert.deepEqual(
        body,
        i % 2 === 0
          ? { service: 'hello', version: 'dev', instance: (body as { instance: string }).instance }
          : { i },
      );
    }
    const { code, signal } = await server.exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null });
    assert.ok(performance.now() - signalledAt < 8000, 'did not wait for keep-alive timeouts');
    assert.equal(server.stderr(), '');
  });

  test('SHUTDOWN_DELAY_MS: readiness false at once while still serving, then exit 0', async (t) => {
    const server = await startServer({ SHUTDOWN_DELAY_MS: '1500' });
    t.after(() => server.kill());
    await server.waitForLog((l) => l.msg === 'listening');
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    await server.waitForLog((l) => l.msg === 'shutdown: readiness is now false');
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'draining' });
    assert.equal(ready.headers.get('connection'), 'close');
    const live = await fetch(`${server.url}/healthz`);
    assert.equal(live.status, 200, 'liveness stays true while draining');
    const root = await fetch(`${server.url}/`);
    assert.equal(root.status, 200, 'new requests are still served during the delay');
    await root.body?.cancel();
    assert.equal((await server.exited).code, 0);
    assert.ok(performance.now() - signalledAt >= 1400);
  });

  test('idle keep-alive connections are closed, so shutdown does not wait for them', async (t) => {
    const server = await startServer();
    t.after(() => server.kill());
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    await once(socket, 'connect');
    socket.setEncoding('utf8');
    let received = '';
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
    while (!received.includes('{"status":"ok"}')) await sleep(10);
    assert.match(received, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(received, /keep-alive/i);
    const closed = once(socket, 'close');

    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    await closed;
    assert.equal((await server.exited).code, 0);
    assert.ok(performance.now() - signalledAt < 5000, 'the 72 s keep-alive timeout was not waited out');
  });

  test('SHUTDOWN_TIMEOUT_MS: a request that never finishes is cut at the deadline and the exit code is 1', async (t) => {
    const server = await startServer({ HANG_RATE: '1', SHUTDOWN_TIMEOUT_MS: '800' });
    t.after(() => server.kill());
    const hung = fetch(`${server.url}/`).then(
      (res) => `answered ${res.status}`,
      () => 'connection closed',
    );
    await waitForInFlight(server.url, 2);
    const signalledAt = performance.now();
    server.child.kill('SIGTERM');
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.ok(performance.now() - signalledAt >= 700);
    assert.equal(await hung, 'connection closed');
    const line = await server.waitForLog((l) => String(l.msg).startsWith('shutdown: deadline passed'));
    assert.equal(line.inFlight, 1);
    assert.equal(line.timeoutMs, 800);
  });

  test('SIGINT drains like SIGTERM', async (t) => {
    const server = await startServer();
    t.after(() => server.kill());
    server.child.kill('SIGINT');
    assert.equal((await server.exited).code, 0);
    const line = await server.waitForLog((l) => l.msg === 'shutdown: readiness is now false');
    assert.equal(line.signal, 'SIGINT');
    assert.ok(server.logs.some((l) => l.msg === 'shutdown: complete'));
  });
});
