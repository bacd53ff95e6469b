// The Prometheus provider against a small real HTTP server that answers in the Prometheus API
// format from a table of series (instant and range), so templating, no-data and errors are checked
// over the wire.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { PrometheusError, PrometheusProvider, template } from '../../src/providers/prometheus/index.ts';

/** query text → instant value (string as Prometheus sends it); missing → empty vector. */
const VALUES: Record<string, string> = {
  'sum(http_requests_total{service="hello",revision="1"})': '1000',
  'sum(http_requests_total{service="hello",revision="1",code=~"5.."})': '3',
  'sum(http_requests_total{service="hello",revision="2"})': '200.4',
  'sum(http_requests_total{service="hello",revision="2",code=~"5.."})': '7',
};
const asked: string[] = [];
let server: Server;
let url = '';

before(async () => {
  server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (u.pathname === '/api/v1/status/buildinfo')
      return send(200, { status: 'success', data: { version: 'test' } });
    const query = u.searchParams.get('query') ?? '';
    asked.push(query);
    if (query.includes('syntax error')) {
      return send(400, { status: 'error', errorType: 'bad_data', error: 'parse error at char 7' });
    }
    if (u.pathname === '/api/v1/query') {
      const v = VALUES[query];
      return send(200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: v === undefined ? [] : [{ metric: {}, value: [1700000000, v] }],
        },
      });
    }
    if (u.pathname === '/api/v1/query_range') {
      const start = Number(u.searchParams.get('start'));
      const step = Number(u.searchParams.get('step'));
      return send(200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            { metric: { revision: '1' }, values: [0, 1, 2].map((i) => [start + i * step, String(i)]) },
          ],
        },
      });
    }
    send(404, { status: 'error', errorType: 'not_found', error: u.pathname });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const provider = () =>
  new PrometheusProvider({
    url,
    labels: { service: 'hello', environment: 'production' },
    queries: {
      requests: 'sum(http_requests_total{service="{{service}}",revision="{{revision}}"})',
      errors: 'sum(http_requests_total{service="{{service}}",revision="{{revision}}",code=~"5.."})',
    },
  });

test('counts per revision from templated instant queries; no data leaves the revision out', async () => {
  assert.deepEqual(await provider().counts([1, 2, 3]), {
    '1': { requests: 1000, errors: 3, slow: 0 },
    '2': { requests: 200, errors: 7, slow: 0 },
  });
  assert.ok(asked.includes('sum(http_requests_total{service="hello",revision="3"})'));
});

test('range queries return points in milliseconds', async () => {
  const series = await provider().range('rate(x[1m])', 1_700_000_000_000, 1_700_000_060_000, 30_000);
  assert.deepEqual(series, [
    {
      labels: { revision: '1' },
      points: [
        [1_700_000_000_000, 0],
        [1_700_000_030_000, 1],
        [1_700_000_060_000, 2],
      ],
    },
  ]);
});

test('a rejected query is an error quoting Prometheus', async () => {
  await assert.rejects(provider().instant('syntax error'), /bad_data: parse error at char 7/);
});

test('online when the API answers; offline when nothing listens', async () => {
  assert.equal(await provider().isOnline(), true);
  const gone = new PrometheusProvider({
    url: 'http://127.0.0.1:9',
    labels: { service: 's', environment: 'e' },
    queries: { requests: 'x', errors: 'y' },
  });
  assert.equal(await gone.isOnline(), false);
  await assert.rejects(gone.instant('x'), PrometheusError);
});

test('template escapes label values and refuses unknown names', () => {
  assert.equal(template('{a="{{v}}"}', { v: 'x"y\\z' }), '{a="x\\"y\\\\z"}');
  assert.throws(() => template('{{nope}}', { v: '1' }), /uses \{\{nope\}\}; known: \{\{v\}\}/);
});
