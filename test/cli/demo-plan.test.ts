import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateConfigFile } from '../../src/config/index.ts';
import { DEMO_RELEASES, demoOverlay } from '../../src/demo/plan.ts';
import { DEMO_CONFIG, PACKAGE_ROOT } from '../../src/demo/run.ts';
import { type DemoSummary, formatSummary } from '../../src/demo/summary.ts';

describe('demo plan', () => {
  test('the example config is found relative to the package', async () => {
    assert.ok(DEMO_CONFIG.startsWith(PACKAGE_ROOT));
    const result = await validateConfigFile(DEMO_CONFIG, { environment: 'development' });
    assert.ok(result.ok);
  });

  test('overlays set version, faults, strategy and port without touching the base', async () => {
    const result = await validateConfigFile(DEMO_CONFIG, { environment: 'development' });
    assert.ok(result.ok);
    const base = result.config.environments.development!;
    const before = JSON.stringify(base);
    const [v1, , v3] = DEMO_RELEASES;
    const one = demoOverlay(base, v1!, { port: 9999 });
    assert.equal(one.env?.APP_VERSION, '1.0.0');
    assert.deepEqual(one.strategy, { rolling: { maxSurge: 1, maxUnavailable: 0 } });
    assert.equal(one.proxy.port, 9999);
    assert.equal(
      one.artifact.local?.build,
      base.artifact.local?.build,
      'the demo builds the bundle like a user would',
    );
    assert.ok(one.proxy.retry.methods.includes('PUT'), 'the writes are PUTs, which the proxy may retry');
    const three = demoOverlay(base, v3!, { port: 9999, canary: { weights: [10, 50], holdMs: 4000 } });
    assert.equal(three.env?.FAIL_RATE, '0.3');
    assert.deepEqual(three.strategy.canary?.steps, [
      { setWeight: 10 },
      { pause: { duration: '4s' } },
      { setWeight: 50 },
      { pause: { duration: '4s' } },
    ]);
    assert.equal(JSON.stringify(base), before, 'the resolved config is not modified');
  });

  test('summary table lists each release and the totals', () => {
    const summary: DemoSummary = {
      ok: true,
      durationMs: 33_800,
      endpoint: 'http://127.0.0.1:8700',
      stateDir: '/tmp/x',
      rate: 150,
      requests: 4125,
      userErrors: 0,
      userErrorsGet: 0,
      userErrorsPut: 0,
      userErrorSamples: [],
      candidateErrors: 7,
      absorbed: 7,
      rolledBack: true,
      rollbackMs: 1349,
      kept: false,
      releases: [
        {
          version: '3.0.0',
          strategy: 'canary',
          release: 3,
          outcome: 'rolled-back',
          expected: 'rolled-back',
          reason: 'analysis failed',
          durationMs: 5700,
          requests: 851,
          userErrors: 0,
          candidateErrors: 7,
          absorbed: 7,
          rollbackMs: 1349,
        },
      ],
    };
    const lines = formatSummary(summary);
    assert.match(
      lines[3] ?? '',
      /^v3\.0\.0 +3 +canary +rolled-back +851 +0 +7 \(7 retried\) +1349 ms +5\.7 s$/,
    );
    assert.ok(lines.some((l) => l.includes('errors seen by users: 0') && l.includes('1349 ms')));
  });
});
