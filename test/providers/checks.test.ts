// HTTP checks against a real node:http server on 127.0.0.1: the value is the status, a timeout or
// a refused connection is an error with why, and templates and the revision header reach the server.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { HttpCheckSpec, PrometheusCheckSpec } from '../../src/core/spec.ts';
import { checkReader } from '../../src/providers/checks.ts';

let server: Server;
let base = '';
const seen: IncomingMessage[] = [];
before(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    if (req.url?.startsWith('/fail')) res.writeHead(500).end('broken');
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 1500).unref();
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const http = (name: string, url: string, more: Partial<HttpCheckSpec> = {}): HttpCheckSpec => ({
  kind: 'http',
  name,
  url,
  method: 'GET',
  expectStatus: 200,
  timeoutMs: 1000,
  ...more,
});
const reader = checkReader({ labels: { service: 'hello', environment: 'prod', namespace: 'hello-prod' } });

describe('HTTP checks against a real server', () => {
  it('one result per check: the status code, or the failure with its reason', async () => {
    const results = await reader.read(
      [
        http('ok', `${base}/healthz`),
        http('fail', `${base}/fail`),
        http('slow', `${base}/slow`, { timeoutMs: 200 }),
        http('refused', 'http://127.0.0.1:9/healthz'),
      ],
      7,
    );
    assert.deepEqual(results.slice(0, 2), [
      { name: 'ok', value: 200 },
      { name: 'fail', value: 500 },
    ]);
    assert.equal(results[2]?.value, undefined);
    assert.equal(results[2]?.error, `GET ${base}/slow: no answer within 200 ms`);
    assert.equal(results[3]?.value, undefined);
    assert.match(results[3]?.error ?? '', /^GET http:\/\/127\.0\.0\.1:9\/healthz: .*ECONNREFUSED/);
  });

  it('substitutes the revision (URL-encoded) and pins the request to it with x-slipway-revision', async () => {
    seen.length = 0;
    const [r] = await reader.read(
      [
        http('t', `${base}/fail/{{revision}}/{{service}}?env={{environment}}`, {
          method: 'HEAD',
          expectStatus: 500,
        }),
      ],
      12,
    );
    assert.deepEqual(r, { name: 't', value: 500 });
    assert.equal(seen[0]?.url, '/fail/12/hello?env=prod');
    assert.equal(seen[0]?.method, 'HEAD');
    assert.equal(seen[0]?.headers['x-slipway-revision'], '12');
  });

  it('a Prometheus check whose server is unreachable or not http(s) reports why, never throws', async () => {
    const prom: PrometheusCheckSpec = {
      kind: 'prometheus',
      name: 'p',
      query: 'up',
      max: 1,
      address: 'http://127.0.0.1:9',
      addressFrom: 'default',
    };
    const [down] = await reader.read([prom], 1);
    assert.match(down?.error ?? '', /Prometheus at http:\/\/127\.0\.0\.1:9 did not answer/);
    const bad = checkReader({ labels: { service: 'hello', environment: 'prod' }, prometheusUrl: 'ftp://x' });
    const [override] = await bad.read([prom], 1);
    assert.equal(override?.error, 'the Prometheus address "ftp://x" is not an http(s) URL');
    const [own] = await bad.read([{ ...prom, addressFrom: 'query' }], 1);
    assert.match(own?.error ?? '', /did not answer/, 'a query’s own address is not overridden');
  });
});
