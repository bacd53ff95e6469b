/**
 * The dashboard's HTTP surface on a real loopback server: who gets in (one-time codes, session
 * cookies, loopback Host only), CSRF on actions, stale-page refusals, and the event stream.
 * The environment behind it is the in-memory target's ledger.
 */
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createDashboard } from '../../src/dashboard/server/server.ts';
import type { EnvironmentSource } from '../../src/dashboard/source.ts';
import { MemoryTarget } from '../support/memory-target.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

const TOKEN = 'test-token';

async function serve(t: import('node:test').TestContext) {
  const target = new MemoryTarget({ clock: new VirtualClock(1_000) });
  const ledger = target.ledger();
  await ledger.begin({
    release: 1,
    environment: 'production',
    service: 'hello',
    digest: 'sha256:aaaa',
    configHash: 'c1',
    config: { env: { A: '1' } },
    strategy: 'rolling',
    startedAt: 1000,
    reasons: [],
  });
  await ledger.finish(1, 'promoted', ['first release: promoted'], 2000);
  await ledger.begin({
    release: 2,
    environment: 'production',
    service: 'hello',
    digest: 'sha256:bbbb',
    configHash: 'c2',
    config: { env: { A: '2' } },
    strategy: 'canary',
    startedAt: 3000,
    reasons: [],
  });
  const source: EnvironmentSource = {
    name: 'production',
    target: 'kubernetes',
    endpoint: async () => 'https://hello.example',
    observe: async () => ({
      weights: { '1': 90, '2': 10 },
      revisions: [
        { release: 1, desired: 3, ready: 3 },
        { release: 2, desired: 1, ready: 1 },
      ],
    }),
    ledger: () => ledger,
    sample: async () => undefined,
    lock: async () => ({ holder: 'ci@runner:1', expiresAt: Date.now() + 60_000 }),
    planRollback: async () => {
      throw new Error('a release is in progress');
    },
    rollback: async () => {
      throw new Error('not in this test');
    },
  };
  let port = 0;
  const dashboard = createDashboard({
    source: { environments: async () => [source] },
    token: TOKEN,
    port: () => port,
    hub: { intervalMs: 50 },
  });
  const server = createServer((req, res) => {
    if (!dashboard.handle(req, res)) {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  dashboard.start();
  t.after(async () => {
    await dashboard.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  const call = (
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
  ) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
  return { port, call, ledger, dashboard };
}

async function signIn(call: Awaited<ReturnType<typeof serve>>['call']): Promise<string> {
  const minted = await call('/dashboard/api/login-codes', {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(minted.status, 200);
  const { path } = (await minted.json()) as { path: string };
  const login = await call(path);
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie') ?? '';
  assert.match(cookie, /HttpOnly; SameSite=Strict; Path=\/dashboard/);
  const again = await call(path);
  assert.equal(again.status, 401, 'a login code works once');
  return cookie.split(';')[0] as string;
}

/** Reads the stream until its `hello` event and returns it. */
function hello(port: number, cookie: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/dashboard/api/stream', headers: { cookie } },
      (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString();
          const m = /event: hello\ndata: (.*)\n\n/.exec(buf);
          if (m) {
            req.destroy();
            resolve(JSON.parse(m[1] as string));
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('nobody gets in without the one-time code; the page, stream and actions need the session', async (t) => {
  const { call } = await serve(t);
  assert.equal((await call('/dashboard/')).status, 401);
  assert.equal((await call('/dashboard/api/stream')).status, 401);
  assert.equal((await call('/dashboard/api/login-codes', { method: 'POST' })).status, 401);
  const wrong = await call('/dashboard/api/login-codes', {
    method: 'POST',
    headers: { authorization: 'Bearer nope' },
  });
  assert.equal(wrong.status, 401);
  assert.equal((await call('/dashboard/login?code=guessed')).status, 401);
  const cookie = await signIn(call);
  const page = await call('/dashboard/', { headers: { cookie } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /\/dashboard\/assets\/app\.js/);
});

test('a request naming another host is refused (DNS rebinding)', async (t) => {
  const { port } = await serve(t);
  const status = await new Promise<number | undefined>((resolve) => {
    request({ host: '127.0.0.1', port, path: '/dashboard/', headers: { host: 'evil.example:80' } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    }).end();
  });
  assert.equal(status, 421);
});

test('the stream says hello with every environment; actions need the CSRF header and the release the page saw', async (t) => {
  const { port, call, ledger } = await serve(t);
  const cookie = await signIn(call);
  const first = (await hello(port, cookie)) as {
    csrf: string;
    environments: { name: string; operation?: { release: number } }[];
  };
  assert.equal(first.environments[0]?.name, 'production');
  assert.equal(first.environments[0]?.operation?.release, 2);

  const noCsrf = await call('/dashboard/api/envs/production/actions', {
    method: 'POST',
    headers: { cookie },
    body: { kind: 'pause' },
  });
  assert.equal(noCsrf.status, 403);
  const headers = { cookie, 'x-slipway-csrf': first.csrf };
  const stale = await call('/dashboard/api/envs/production/actions', {
    method: 'POST',
    headers,
    body: { kind: 'pause', release: 1 },
  });
  assert.equal(stale.status, 409);
  assert.match(((await stale.json()) as { error: string }).error, /release 2 is in flight now/);
  const bad = await call('/dashboard/api/envs/production/actions', {
    method: 'POST',
    headers,
    body: { kind: 'explode' },
  });
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /kind/);

  const plan = await call('/dashboard/api/envs/production/plan?kind=abort', { headers: { cookie } });
  const planBody = (await plan.json()) as { summary: string; changes: string[] };
  assert.match(planBody.summary, /Abort release 2 in production/);
  const ok = await call('/dashboard/api/envs/production/actions', {
    method: 'POST',
    headers,
    body: { kind: 'pause', release: 2 },
  });
  assert.equal(ok.status, 200, await ok.clone().text());
  assert.deepEqual(
    (await ledger.commands(2)).map((c) => c.kind),
    ['pause'],
  );
  const rollback = await call('/dashboard/api/envs/production/plan?kind=rollback&to=1', {
    headers: { cookie },
  });
  assert.match(((await rollback.json()) as { blocked: string }).blocked, /in progress/);

  const diff = await call('/dashboard/api/envs/production/diff?from=1&to=2', { headers: { cookie } });
  const text = ((await diff.json()) as { diff: string }).diff;
  assert.match(text, /-\s+A: "1"/);
  assert.match(text, /\+\s+A: "2"/);
});
