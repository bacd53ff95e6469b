/**
 * A 429 from the API server ("storage is (re)initializing" right after a CRD is installed) is waited
 * out as it asks, a few times, like client-go does; other errors are not retried. The last case
 * goes through the real client against an HTTP server that answers 429 twice.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { KubeClient, retryAfterMs, throttled } from '../../../src/targets/kubernetes/client.ts';

const throttle = (headers: Record<string, string>, body = '') =>
  new ApiException(429, 'Too Many Requests', body, headers);

test('Retry-After from the header, else from details.retryAfterSeconds, capped at 5 s', () => {
  assert.equal(retryAfterMs(throttle({ 'retry-after': '2' })), 2000);
  assert.equal(retryAfterMs(throttle({}, JSON.stringify({ details: { retryAfterSeconds: 3 } }))), 3000);
  assert.equal(retryAfterMs(throttle({ 'retry-after': '60' })), 5000);
  assert.equal(retryAfterMs(throttle({})), 1000);
});

test('a 429 is retried after the wait it asks for; a 500 or a 404 is not', async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
  };
  let calls = 0;
  const value = await throttled(async () => {
    calls++;
    if (calls < 3) throw throttle({ 'retry-after': '1' });
    return 'ok';
  }, sleep);
  assert.equal(value, 'ok');
  assert.deepEqual(waits, [1000, 1000]);

  for (const status of [500, 404]) {
    let n = 0;
    await assert.rejects(
      throttled(async () => {
        n++;
        throw new ApiException(status, 'no', '', {});
      }, sleep),
      (err: ApiException<string>) => err.code === status,
    );
    assert.equal(n, 1, `${status} is not retried`);
  }
});

test('a 429 that does not end is the answer after 6 attempts', async () => {
  let n = 0;
  await assert.rejects(
    throttled(
      async () => {
        n++;
        throw throttle({});
      },
      async () => {},
    ),
    (err: ApiException<string>) => err.code === 429,
  );
  assert.equal(n, 6);
});

test('the client reads through two 429s from a real HTTP server', async (t) => {
  let requests = 0;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1?') || req.url === '/api/v1') {
      // Discovery, which the object API reads first to find the resource's plural.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'v1',
          resources: [
            {
              name: 'configmaps',
              singularName: 'configmap',
              namespaced: true,
              kind: 'ConfigMap',
              verbs: ['get'],
            },
          ],
        }),
      );
      return;
    }
    requests++;
    if (requests <= 2) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ kind: 'Status', code: 429, message: 'storage is (re)initializing' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ns' } }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const { port } = server.address() as { port: number };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const got = await new KubeClient(kc).read('v1', 'ConfigMap', 'ns', 'x');
  assert.equal(got?.metadata?.name, 'x');
  assert.equal(requests, 3);
});
