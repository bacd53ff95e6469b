// HTTP checks against real local servers: a healthy one, a failing one, a slow one, none at all.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { HttpCheckProvider } from '../../src/providers/http-check/index.ts';

let server: Server;
let base = '';
before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/fail') res.writeHead(503).end('down');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('ok'), 1000);
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('cumulative counts per revision: 5xx and refused connections are errors, slow answers slow', async () => {
  const urls: Record<number, string | undefined> = {
    1: `${base}/ok`,
    2: `${base}/fail`,
    3: `${base}/slow`,
    4: 'http://127.0.0.1:9/',
  };
  const checks = new HttpCheckProvider({ urlFor: (r) => urls[r], probes: 2, slowMs: 500, timeoutMs: 3000 });
  await checks.counts([1, 2, 3, 4, 5]);
  const second = await checks.counts([1, 2, 3, 4, 5]);
  assert.deepEqual(second, {
    '1': { requests: 4, errors: 0, slow: 0 },
    '2': { requests: 4, errors: 4, slow: 0 },
    '3': { requests: 4, errors: 0, slow: 4 },
    '4': { requests: 4, errors: 4, slow: 0 },
  });
  assert.equal(await checks.isOnline(), true);
});

test('a check pin the proxy refuses is asked for again, once; refused twice is an error, never a value', async (t) => {
  const { checkReader } = await import('../../src/providers/checks.ts');
  // Stands in for the proxy: a pin it did not sign gets 404 with the refusal header.
  const proxyLike = createServer((req, res) => {
    if (req.headers['x-slipway-revision'] === 'good') res.writeHead(200).end('ok');
    else res.writeHead(404, { 'x-slipway-pin-refused': '1' }).end('no such pin here');
  });
  await new Promise<void>((resolve) => proxyLike.listen(0, '127.0.0.1', resolve));
  t.after(() => proxyLike.close());
  const url = `http://127.0.0.1:${(proxyLike.address() as AddressInfo).port}/health`;
  const spec = {
    kind: 'http' as const,
    name: 'health',
    url,
    method: 'GET' as const,
    expectStatus: 200,
    timeoutMs: 2000,
  };
  const asked: boolean[] = [];
  const reader = (freshValue: string) =>
    checkReader({
      labels: { service: 'hello', environment: 'development', namespace: 'default' },
      pinFor: async (_revision, o) => {
        asked.push(o?.fresh ?? false);
        return {
          header: 'x-slipway-revision',
          value: o?.fresh ? freshValue : 'stale',
          refusedHeader: 'x-slipway-pin-refused',
        };
      },
    });
  assert.deepEqual(await reader('good').read([spec], 2), [{ name: 'health', value: 200 }]);
  assert.deepEqual(asked, [false, true]);
  const [twice] = await reader('also-stale').read([spec], 2);
  assert.equal(twice?.value, undefined);
  assert.match(twice?.error ?? '', /refused a fresh check pin for revision 2/);
});
