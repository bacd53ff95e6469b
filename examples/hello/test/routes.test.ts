import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Readiness } from '../src/readiness.ts';
import { listenApp, type RunningApp, sampleValue } from './support/app.ts';

describe('routes over HTTP', () => {
  let running: RunningApp;
  const readiness = new Readiness();
  before(async () => {
    running = await listenApp({ SERVICE_NAME: 'hello-test', APP_VERSION: '2.3.4' }, { readiness });
  });
  after(() => running.close());

  test('GET / names the service, version and instance', async () => {
    const res = await fetch(`${running.url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      service: 'hello-test',
      version: '2.3.4',
      instance: 'test-instance',
    });
  });

  test('POST /echo returns the JSON body', async () => {
    const body = { items: [1, 2, 3], nested: { ok: true }, text: 'héllo' };
    const res = await fetch(`${running.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), body);
  });

  test('POST /echo rejects malformed JSON with 400', async () => {
    const res = await fetch(`${running.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated": ',
    });
    assert.equal(res.status, 400);
  });

  test('GET /healthz is alive', async () => {
    const res = await fetch(`${running.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('GET /readyz follows the readiness state: starting, ready, draining', async () => {
    const states: [number, unknown][] = [];
    const probe = async () => {
      const res = await fetch(`${running.url}/readyz`);
      states.push([res.status, await res.json()]);
    };
    await probe();
    readiness.markReady();
    await probe();
    readiness.markDraining();
    await probe();
    readiness.markReady(); // too late: draining is final
    await probe();
    assert.deepEqual(states, [
      [503, { status: 'starting' }],
      [200, { status: 'ready' }],
      [503, { status: 'draining' }],
      [503, { status: 'draining' }],
    ]);
  });

  test('while draining, responses close their connection', async () => {
    const res = await fetch(`${running.url}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('connection'), 'close');
  });

  test('unknown paths get 404', async () => {
    const res = await fetch(`${running.url}/nope/123`);
    assert.equal(res.status, 404);
    await res.body?.cancel();
  });
});

describe('GET /metrics', () => {
  test('counts requests and observes latency by method, route pattern and status code', async () => {
    const running = await listenApp({ SERVICE_NAME: 'svc', APP_VERSION: '9.9.9' });
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${running.url}/`)).body?.cancel();
      const echo = await fetch(`${running.url}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      await echo.body?.cancel();
      await (await fetch(`${running.url}/missing-a`)).body?.cancel();
      await (await fetch(`${running.url}/missing-b`)).body?.cancel();

      const res = await fetch(`${running.url}/metrics`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await res.text();
      const common = { service: 'svc', version: '9.9.9' };
      const get = { ...common, method: 'GET', route: '/', status_code: '200' };
      assert.equal(sampleValue(text, 'http_requests_total', get), 3);
      assert.equal(sampleValue(text, 'http_request_duration_seconds_count', get), 3);
      assert.equal(sampleValue(text, 'http_request_duration_seconds_bucket', { ...get, le: '+Inf' }), 3);
      assert.ok((sampleValue(text, 'http_request_duration_seconds_sum', get) ?? -1) > 0);
      const post = { ...common, method: 'POST', route: '/echo', status_code: '200' };
      assert.equal(sampleValue(text, 'http_requests_total', post), 1);
      // Unmatched paths share one series rather than one per path.
      const missing = { ...common, method: 'GET', route: '(unmatched)', status_code: '404' };
      assert.equal(sampleValue(text, 'http_requests_total', missing), 2);
      assert.equal(sampleValue(text, 'http_requests_in_flight', common), 1, 'only the scrape itself');
      assert.doesNotMatch(text, /process_cpu/, 'process metrics were turned off for this app');
    } finally {
      await running.close();
    }
  });

  test('includes process metrics by default', async () => {
    const running = await listenApp({}, { defaultMetrics: true });
    try {
      const text = await (await fetch(`${running.url}/metrics`)).text();
      assert.match(text, /^process_cpu_user_seconds_total\{service="hello",version="dev"\} /m);
      assert.match(text, /^nodejs_eventloop_lag_seconds/m);
    } finally {
      await running.close();
    }
  });
});
