/**
 * Pins are deliberate and authenticated: ignored unless the table turns them on, honoured only when
 * this proxy signed them, never evidence, and a bad one is answered 404 naming nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrafficProxy } from '../../../../src/targets/local/proxy/index.ts';
import {
  newPinKey,
  PIN_REFUSED_HEADER,
  signPin,
  verifyPin,
} from '../../../../src/targets/local/proxy/pins.ts';
import { get, proxy, revision, type Upstream, upstream } from './upstreams.ts';

describe('verifyPin', () => {
  const key = Buffer.from(newPinKey(), 'base64url');
  const now = 1_800_000_000_000;
  const good = signPin(key, '7', now + 60_000);
  const cases: [string, string, string | undefined][] = [
    ['a pin this key signed', good, '7'],
    ['a revision id with dots', signPin(key, 'a.b', now + 60_000), 'a.b'],
    ['the bare revision id', '7', undefined],
    ['another revision under the same signature', good.replace(/^7/, '8'), undefined],
    [
      'a later expiry under the same signature',
      good.replace(/\.(\d+)\./, (_m, e) => `.${Number(e) + 1}.`),
      undefined,
    ],
    [
      'a pin signed by another key',
      signPin(Buffer.from(newPinKey(), 'base64url'), '7', now + 60_000),
      undefined,
    ],
    ['an expired pin', signPin(key, '7', now - 1000), undefined],
    ['a truncated signature', good.slice(0, -4), undefined],
    ['garbage', '..', undefined],
    ['empty', '', undefined],
  ];
  for (const [name, pin, wanted] of cases) {
    it(name, () => assert.equal(verifyPin(key, pin, now), wanted));
  }
  it('keeps the two purposes apart: a check pin is no user pin, and the other way round', () => {
    const check = signPin(key, '7', now + 60_000, 'check');
    assert.equal(verifyPin(key, check, now, 'check'), '7');
    assert.equal(verifyPin(key, check, now), undefined);
    assert.equal(verifyPin(key, good, now, 'check'), undefined);
  });
});

describe('pins through the proxy', () => {
  let p: TrafficProxy;
  let blue: Upstream;
  let green: Upstream;
  const table = (pinning: boolean) => ({
    revisions: [revision('blue', blue), revision('green', green)],
    weights: { blue: 100, green: 0 },
    stable: 'blue',
    pinning,
  });

  before(async () => {
    blue = await upstream('blue');
    green = await upstream('green', (_req, res) => res.writeHead(500).end('green failed'));
    p = await proxy();
  });
  after(async () => {
    await p.close();
    await Promise.all([blue.close(), green.close()]);
  });

  it('ignores pin headers and cookies, even signed ones, while pinning is off (the default)', async () => {
    p.setRoutes(table(false));
    const { pin } = p.issuePin('green', 60_000);
    assert.equal((await get(p, '/', { headers: { 'x-slipway-revision': pin } })).body, 'blue');
    assert.equal((await get(p, '/', { headers: { cookie: `slipway-revision=${pin}` } })).body, 'blue');
    assert.equal((await get(p, '/', { headers: { 'x-slipway-revision': 'green' } })).body, 'blue');
    assert.equal(p.counts().green!.requests, 0);
  });

  it('honours a signed pin by header or cookie once on, and never counts it as evidence', async () => {
    p.setRoutes(table(true));
    const issued = p.issuePin('green', 60_000);
    assert.equal(issued.header, 'x-slipway-revision');
    assert.equal(issued.cookie, 'slipway-revision');
    // The attack of issue 13: many failing requests pinned to a healthy candidate.
    for (let i = 0; i < 25; i++) {
      const res = await get(p, '/', { headers: { 'x-slipway-revision': issued.pin } });
      assert.deepEqual([res.status, res.body], [500, 'green failed']);
    }
    const viaCookie = await get(p, '/', { headers: { cookie: `a=b; slipway-revision=${issued.pin}` } });
    assert.equal(viaCookie.body, 'green failed');
    const green = p.counts().green!;
    assert.deepEqual([green.requests, green.errors, green.pinned, green.inFlight], [0, 0, 26, 0]);
    assert.match(await p.metrics(), /slipway_proxy_pinned_requests_total\{revision="green"\} 26/);
  });

  it('answers a bad pin 404 naming no revision, counted nowhere', async () => {
    p.setRoutes(table(true));
    const other = await proxy();
    const foreign = other.issuePin('green', 60_000).pin;
    await other.close();
    const past = await proxy({ now: () => Date.now() - 120_000 });
    const expired = past.issuePin('green', 60_000).pin;
    await past.close();
    const before = p.unrouted().requests;
    for (const pin of ['green', 'purple', foreign, expired, 'green.99999999999.AAAA']) {
      const res = await get(p, '/', { headers: { 'x-slipway-revision': pin } });
      assert.equal(res.status, 404, pin);
      assert.doesNotMatch(res.body, /blue|green|purple/, `the answer to ${pin} names nothing`);
      assert.match(res.body, /slipway pin/);
    }
    assert.equal(p.unrouted().requests, before);
    assert.equal(p.counts().green!.requests, 0);
  });

  it('answers 404 to a signed pin whose revision left the table', async () => {
    p.setRoutes(table(true));
    const { pin } = p.issuePin('green', 60_000);
    p.setRoutes({
      revisions: [revision('blue', blue)],
      weights: { blue: 100 },
      stable: 'blue',
      pinning: true,
    });
    const res = await get(p, '/', { headers: { 'x-slipway-revision': pin } });
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body, /blue|green/);
  });

  it('honours a check pin while pinning is off, never as evidence; a user pin still routes by weight', async () => {
    p.setRoutes(table(false));
    const before = p.counts().green!;
    const check = p.issuePin('green', 60_000, 'check');
    const res = await get(p, '/', { headers: { 'x-slipway-revision': check.pin } });
    assert.deepEqual([res.status, res.body], [500, 'green failed']);
    // Only the header carries a check pin: the same value in the pin cookie is just a cookie, and with
    // pinning on it is no user pin either.
    const viaCookie = await get(p, '/', { headers: { cookie: `slipway-revision=${check.pin}` } });
    assert.equal(viaCookie.body, 'blue');
    p.setRoutes(table(true));
    const onCookie = await get(p, '/', { headers: { cookie: `slipway-revision=${check.pin}` } });
    assert.equal(onCookie.status, 404);
    const onHeader = await get(p, '/', { headers: { 'x-slipway-revision': check.pin } });
    assert.equal(onHeader.body, 'green failed');
    p.setRoutes(table(false));
    const user = p.issuePin('green', 60_000).pin;
    assert.equal((await get(p, '/', { headers: { 'x-slipway-revision': user } })).body, 'blue');
    const green = p.counts().green!;
    assert.deepEqual([green.requests - before.requests, green.pinned - before.pinned], [0, 2]);
  });

  it('answers 404 to a check pin whose revision left the table, rather than judging stable', async () => {
    const check = p.issuePin('green', 60_000, 'check').pin;
    p.setRoutes({ revisions: [revision('blue', blue)], weights: { blue: 100 }, stable: 'blue' });
    const res = await get(p, '/', { headers: { 'x-slipway-revision': check } });
    assert.equal(res.status, 404);
    assert.doesNotMatch(res.body, /blue|green/);
  });

  it('refuses a check pin another proxy signed, with pinning off, marked as refused, rather than routing it to stable', async () => {
    p.setRoutes(table(false));
    const other = await proxy();
    const foreign = other.issuePin('green', 60_000, 'check').pin;
    await other.close();
    const res = await get(p, '/', { headers: { 'x-slipway-revision': foreign } });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get(PIN_REFUSED_HEADER), '1');
    assert.doesNotMatch(res.body, /blue|green/);
    // Not pin-shaped: just a header; a user pin this proxy signed: routed by weight (pinning is off).
    assert.equal((await get(p, '/', { headers: { 'x-slipway-revision': 'green' } })).body, 'blue');
    const own = p.issuePin('green', 60_000).pin;
    const mine = await get(p, '/', { headers: { 'x-slipway-revision': own } });
    assert.deepEqual([mine.body, mine.headers.get(PIN_REFUSED_HEADER)], ['blue', null]);
  });

  it('refuses a pin lifetime under a second', () => {
    assert.throws(() => p.issuePin('blue', 10), /pin lifetime is 10 ms: give at least 1000 ms/);
  });
});
