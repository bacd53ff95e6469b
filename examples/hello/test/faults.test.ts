import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decideFault } from '../src/faults.ts';
import { listenApp, sampleValue, seededRandom } from './support/app.ts';

const json = { 'content-type': 'application/json' };

describe('decideFault', () => {
  const cases: [string, { failRate: number; hangRate: number }, number, string][] = [
    ['all off serves', { failRate: 0, hangRate: 0 }, 0, 'serve'],
    ['fail 1 fails even at the top draw', { failRate: 1, hangRate: 0 }, 0.999999, 'fail'],
    ['hang 1 hangs even at the top draw', { failRate: 0, hangRate: 1 }, 0.999999, 'hang'],
    ['hang band comes first', { failRate: 0.5, hangRate: 0.2 }, 0.1, 'hang'],
    ['fail band follows the hang band', { failRate: 0.5, hangRate: 0.2 }, 0.2, 'fail'],
    ['fail band ends at hang + fail', { failRate: 0.5, hangRate: 0.2 }, 0.7, 'serve'],
  ];
  for (const [name, rates, draw, expected] of cases) {
    test(name, () => assert.equal(decideFault(rates, draw), expected));
  }

  test('over many seeded draws the outcome fractions match the rates', () => {
    const random = seededRandom(7);
    const counts = { hang: 0, fail: 0, serve: 0 };
    const draws = 100_000;
    for (let i = 0; i < draws; i++) counts[decideFault({ failRate: 0.1, hangRate: 0.05 }, random())]++;
    // Binomial standard deviation at n=1e5 is under 0.001, so a 0.005 band is over five sigma wide.
    assert.ok(Math.abs(counts.fail / draws - 0.1) < 0.005, JSON.stringify(counts));
    assert.ok(Math.abs(counts.hang / draws - 0.05) < 0.005, JSON.stringify(counts));
  });
});

describe('fault knobs over HTTP', () => {
  test('FAIL_RATE=1 answers 500 on / and /echo, never on health, readiness or metrics', async () => {
    const running = await listenApp({ FAIL_RATE: '1' });
    running.app.readiness.markReady();
    try {
      const root = await fetch(`${running.url}/`);
      assert.equal(root.status, 500);
      assert.deepEqual(await root.json(), { error: 'injected failure', reason: 'FAIL_RATE=1' });
      const echo = await fetch(`${running.url}/echo`, { method: 'POST', headers: json, body: '{"a":1}' });
      assert.equal(echo.status, 500);
      await echo.body?.cancel();
      for (const path of ['/healthz', '/readyz', '/metrics']) {
        const res = await fetch(`${running.url}${path}`);
        assert.equal(res.status, 200, path);
        await res.body?.cancel();
      }
      const text = await (await fetch(`${running.url}/metrics`)).text();
      const failed = { method: 'GET', route: '/', status_code: '500' };
      assert.equal(sampleValue(text, 'http_requests_total', failed), 1);
    } finally {
      await running.close();
    }
  });

  test('FAIL_RATE=0 (the default) never fails', async () => {
    const running = await listenApp({ FAIL_RATE: '0' }, { random: () => 0 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const res = await fetch(`${running.url}/`);
          await res.body?.cancel();
          return res.status;
        }),
      );
      assert.deepEqual(new Set(statuses), new Set([200]));
    } finally {
      await running.close();
    }
  });

  test('a fractional FAIL_RATE fails about that fraction (seeded draws)', async () => {
    const running = await listenApp({ FAIL_RATE: '0.3' }, { random: seededRandom(2026) });
    try {
      let failed = 0;
      const total = 400;
      for (let i = 0; i < total; i++) {
        const res = await fetch(`${running.url}/`);
        await res.body?.cancel();
        if (res.status === 500) failed++;
        else assert.equal(res.status, 200);
      }
      // Mean 120, standard deviation about 9.2: the band is over 3 sigma either side.
      assert.ok(failed > 90 && failed < 150, `failed ${failed} of ${total}`);
    } finally {
      await running.close();
    }
  });

  test('LATENCY_MS delays / and /echo but not the health endpoints', async () => {
    const running = await listenApp({ LATENCY_MS: '1500' });
    try {
      const started = performance.now();
      let rootDone = false;
      const root = fetch(`${running.url}/`).then(async (res) => {
        rootDone = true;
        await res.body?.cancel();
        return { status: res.status, ms: performance.now() - started };
      });
      const health = await fetch(`${running.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal(rootDone, false, '/healthz answered while / was still delayed');
      const { status, ms } = await root;
      assert.equal(status, 200);
      assert.ok(ms >= 1500, `/ answered after ${ms} ms`);
      const echoStart = performance.now();
      const echo = await fetch(`${running.url}/echo`, { method: 'POST', headers: json, body: '[]' });
      assert.deepEqual(await echo.json(), []);
      assert.ok(performance.now() - echoStart >= 1500);
    } finally {
      await running.close();
    }
  });

  test('HANG_RATE=1 leaves / unanswered, health still answers, and an abandoned request leaves the gauge', async () => {
    const running = await listenApp({ HANG_RATE: '1' });
    try {
      await assert.rejects(fetch(`${running.url}/`, { signal: AbortSignal.timeout(700) }), {
        name: 'TimeoutError',
      });
      const health = await fetch(`${running.url}/healthz`);
      assert.equal(health.status, 200);
      await health.body?.cancel();
      // The aborted client closed its connection; the gauge must come back to the scrape alone.
      let inFlight: number | undefined;
      for (let i = 0; i < 50; i++) {
        const text = await (await fetch(`${running.url}/metrics`)).text();
        inFlight = sampleValue(text, 'http_requests_in_flight', {});
        if (inFlight === 1) break;
        await sleep(20);
      }
      assert.equal(inFlight, 1);
    } finally {
      await running.close();
    }
  });

  test('HANG_RATE=0 with FAIL_RATE=0 serves everything, GET and POST mixed', async () => {
    const running = await listenApp({ HANG_RATE: '0', FAIL_RATE: '0' });
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const res =
            i % 2 === 0
              ? await fetch(`${running.url}/`, { signal: AbortSignal.timeout(5000) })
              : await fetch(`${running.url}/echo`, {
                  method: 'POST',
                  headers: json,
                  body: JSON.stringify({ i }),
                });
          const body = (await res.json()) as Record<string, unknown>;
          return [res.status, i % 2 === 0 ? body.service : body.i];
        }),
      );
      results.forEach(([status, value], i) => {
        assert.equal(status, 200);
        assert.equal(value, i % 2 === 0 ? 'hello' : i);
      });
    } finally {
      await running.close();
    }
  });
});
