// analysis.queries on the local target, end to end through the CLI: an HTTP check sent through the
// environment's proxy port carries a check pin its daemon signed (proxy/pins.ts), so it reaches the
// candidate even with user pinning off, and a candidate answering 500 is rolled back during blue-green
// pre-promotion analysis, before any user reaches it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workspace } from '../e2e/support/workspace.ts';

test('local target: an HTTP check against a candidate answering 500 rolls it back', {
  timeout: 180_000,
}, async (t) => {
  const ws = await workspace(t);
  const config = (env: Record<string, string>) =>
    ws.write({
      env,
      strategy: 'blue-green: { prePromotionAnalysis: true, autoPromote: true, scaleDownDelay: 1s }',
      // minSample is out of reach: only the check can decide within the progress deadline.
      analysis: `{ maxErrorRate: 0.02, failureBudget: 20, minSample: 100000, alpha: 0.01, noData: inconclusive, interval: 500ms, queries: [{ name: root, provider: http, url: "http://127.0.0.1:${ws.port}/", timeout: 2s }] }`,
    });
  await config({ APP_VERSION: '1.0.0' });
  const first = await ws.run(['deploy', '--env', 'development']);
  assert.equal(first.code, 0, first.stderr + first.stdout);

  await config({ APP_VERSION: '2.0.0', FAIL_RATE: '1' });
  const started = Date.now();
  const second = await ws.run(['deploy', '--env', 'development']);
  t.diagnostic(`rolled back after ${Date.now() - started} ms`);
  assert.equal(second.code, 1, `exit ${second.code}\n${second.stderr}${second.stdout}`);
  const last = (await ws.history()).at(-1);
  assert.equal(last?.outcome, 'rolled-back');
  assert.match(
    last?.reasons.join('\n') ?? '',
    /pre-promotion analysis failed: .*query root: status 500, expected 200 on 2 consecutive reads/,
  );
  const status = await ws.json<{ serving: number }>(['status']);
  assert.equal(status.serving, 1, 'release 1 still serves');
});
