/**
 * Notifications from real releases: `slipway deploy` on the local target with a signed webhook, a
 * Slack incoming webhook and GitHub Deployments, each a real HTTP receiver on 127.0.0.1. A healthy
 * canary is announced from start to promotion; a bad one is announced rolled back with its reason;
 * a receiver that fails at first gets the message on a retry; one that is down delays nothing and
 * fails nothing.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { freePort } from '../../src/targets/local/supervisor/ports.ts';
import { workspace } from '../e2e/support/workspace.ts';
import { fakeGitHub, type Received, recorder } from './support/receivers.ts';

const CANARY = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 25
      - pause: { duration: 2s }`;
const ANALYSIS =
  '{ maxErrorRate: 0.02, failureBudget: 10, minSample: 20, alpha: 0.01, noData: inconclusive }';

const events = (got: Received[]) => got.map((r) => (r.json as { event: string }).event);

test('a deploy tells a signed webhook, Slack and GitHub Deployments; a bad release arrives rolled back with its reason', {
  timeout: 300_000,
}, async (t) => {
  const ws = await workspace(t);
  const hook = await recorder(t, { failFirst: 2 });
  const slack = await recorder(t);
  const github = await fakeGitHub(t, 'acme/hello', 'ghs_test');
  const down = `http://127.0.0.1:${await freePort()}/nobody`;
  const notifications = `notifications:
  - type: webhook
    url: ${hook.url}/slipway
    secret: { source: env, key: HOOK_SECRET }
  - type: slack
    webhook: { source: file, key: SLACK_WEBHOOK_URL, path: slack.env }
    events: [started, promoted, rolled-back, failed]
  - type: github
    repository: acme/hello
    token: { source: env, key: GH_TOKEN }
    apiUrl: ${github.url}
    environmentUrl: http://127.0.0.1:${ws.port}
  - type: webhook
    url: ${down}
    events: [started]`;
  await writeFile(`${ws.dir}/slack.env`, `SLACK_WEBHOOK_URL=${slack.url}/services/T000/B000/XXXX\n`);
  const env = { HOOK_SECRET: 's3cret', GH_TOKEN: 'ghs_test', GITHUB_SHA: 'abc123def456' };

  await ws.write({ env: { APP_VERSION: '1.0.0' }, extra: notifications, analysis: ANALYSIS });
  const v1 = await ws.run(['deploy', '--env', 'development'], { env });
  assert.equal(v1.code, 0, v1.stderr + v1.stdout);
  assert.match(
    v1.stderr,
    /to webhook http:\/\/127\.0\.0\.1:\d+\/nobody not delivered: gave up after 5 attempts/,
  );

  // The healthy canary, under load so analysis can pass.
  const { LoadGenerator } = await import('../../src/demo/load.ts');
  const load = new LoadGenerator({
    origin: `http://127.0.0.1:${ws.port}`,
    rate: 50,
    putShare: 0,
    maxDurationMs: 200_000,
  });
  load.start();
  t.after(() => load.stop());
  await ws.write({
    env: { APP_VERSION: '2.0.0' },
    strategy: CANARY,
    extra: notifications,
    analysis: ANALYSIS,
  });
  const v2 = await ws.run(['deploy', '--env', 'development'], { env, timeoutMs: 120_000 });
  assert.equal(v2.code, 0, v2.stderr + v2.stdout);
  await ws.write({
    env: { APP_VERSION: '3.0.0', FAIL_RATE: '0.4' },
    strategy: CANARY,
    extra: notifications,
    analysis: ANALYSIS,
  });
  const v3 = await ws.run(['deploy', '--env', 'development'], { env, timeoutMs: 120_000 });
  assert.equal(v3.code, 1, v3.stderr + v3.stdout);
  await load.stop();

  // Webhook: every event, each signed over its exact body; the first two attempts got 503 and were retried.
  const delivered = hook.received.slice(2);
  assert.equal(
    hook.received[0]?.headers['x-slipway-delivery'],
    hook.received[2]?.headers['x-slipway-delivery'],
    'a retry is the same delivery',
  );
  for (const r of delivered) {
    const want = `sha256=${createHmac('sha256', 's3cret').update(r.body).digest('hex')}`;
    assert.equal(r.headers['x-slipway-signature-256'], want);
    assert.equal(r.headers['x-slipway-event'], (r.json as { event: string }).event);
  }
  const byRelease = (n: number) => delivered.filter((r) => (r.json as { release: number }).release === n);
  assert.deepEqual(events(byRelease(1)), ['started', 'promoted']);
  assert.deepEqual(
    events(byRelease(2))
      .filter((e) => e !== 'step')
      .concat(),
    ['started', 'promoted'],
  );
  assert.ok(events(byRelease(2)).includes('step'), 'a passed step is announced');
  assert.deepEqual(
    events(byRelease(3)).filter((e) => e !== 'step'),
    ['started', 'rolled-back'],
  );
  const rolled = byRelease(3).at(-1)?.json as {
    outcome: string;
    text: string;
    reasons: string[];
    evidence: Record<string, number>;
  };
  assert.equal(rolled.outcome, 'rolled-back');
  assert.match(rolled.text, /analysis failed/);
  assert.ok(rolled.reasons.length >= 2, 'the whole explanation travels with it');
  assert.ok((rolled.evidence.candidateErrors ?? 0) > 0, 'with the evidence it was decided on');
  // The notification says what `slipway why` and `history` say: one explain function.
  const told = await ws.json<{ headline: string }>(['why', '--release', '3']);
  assert.equal(rolled.text, told.headline);
  if (process.env.SLIPWAY_NOTIFICATION_PAYLOADS) {
    // For the record (a note, a doc): what the receivers got, as they got it.
    const got = delivered.map((r) => ({ headers: r.headers, body: r.json }));
    await writeFile(process.env.SLIPWAY_NOTIFICATION_PAYLOADS, JSON.stringify(got, null, 2));
  }

  // Slack: only the events it asked for, as text.
  const texts = slack.received.map((r) => (r.json as { text: string }).text);
  assert.equal(slack.received[0]?.path, '/services/T000/B000/XXXX');
  assert.equal(texts.length, 6, texts.join('\n'));
  assert.match(
    texts.at(-1) ?? '',
    /:rewind: \*hello\* `development` release 3 \*rolled back\*: analysis failed/,
  );

  // GitHub: one deployment per release for the commit, statuses in order, the bad one a failure.
  assert.deepEqual(
    github.deployments.map((d) => [
      d.ref,
      d.environment,
      (d.payload as { slipway: { release: number } }).slipway.release,
    ]),
    [
      ['abc123def456', 'development', 1],
      ['abc123def456', 'development', 2],
      ['abc123def456', 'development', 3],
    ],
  );
  const states = github.deployments.map((d) => d.statuses.map((s) => s.state));
  assert.deepEqual(states[0], ['in_progress', 'success']);
  assert.equal(states[1]?.at(-1), 'success');
  assert.equal(states[2]?.[0], 'in_progress');
  assert.equal(states[2]?.at(-1), 'failure');
  assert.ok(github.deployments.every((d) => d.statuses.every((s) => s.description.length <= 140)));
  assert.ok(github.requests.every((r) => r.headers['x-github-api-version'] === '2022-11-28'));
});
