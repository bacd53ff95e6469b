/** Delivery retries against a real local receiver, and which decisions become which notices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Decision } from '../../src/core/decision.ts';
import { DeliveryRefused, send } from '../../src/notifications/deliver.ts';
import { noticesOf } from '../../src/notifications/notice.ts';
import { render } from '../../src/notifications/template.ts';
import { recorder } from './support/receivers.ts';

test('a failing receiver is retried with backoff (Retry-After honoured) until it answers', async (t) => {
  const r = await recorder(t, { failFirst: 3 });
  const waits: number[] = [];
  const answer = await send(
    `${r.url}/x`,
    { method: 'POST', body: '{}' },
    { sleep: async (ms) => waits.push(ms) },
  );
  assert.equal(answer.status, 200);
  assert.equal(r.received.length, 4);
  assert.deepEqual(waits, [0, 0, 0], 'Retry-After: 0 replaces the backoff');
});

test('attempts are bounded; a 4xx is not retried; a refused connection is retried then given up', async (t) => {
  const always = await recorder(t, { failFirst: 99 });
  const waits: number[] = [];
  await assert.rejects(
    send(always.url, { method: 'POST' }, { attempts: 3, sleep: async (ms) => waits.push(ms) }),
    /gave up after 3 attempts: HTTP 503: try again/,
  );
  assert.equal(always.received.length, 3);
  const bad = await recorder(t);
  const server = new URL(bad.url);
  await assert.rejects(
    send(
      `${bad.url}/missing`,
      { method: 'POST' },
      { fetch: async () => new Response('no such hook', { status: 404 }) },
    ),
    (err: unknown) => err instanceof DeliveryRefused && err.status === 404,
  );
  const backoffs: number[] = [];
  await assert.rejects(
    send(
      `http://127.0.0.1:1/${server.port}`,
      { method: 'POST' },
      { attempts: 4, sleep: async (ms) => backoffs.push(ms) },
    ),
    /gave up after 4 attempts/,
  );
  assert.deepEqual(backoffs, [500, 1000, 2000], 'exponential backoff');
});

const decision = (over: Partial<Decision>): Decision =>
  ({
    phase: 'progressing',
    rule: 'test',
    effects: [],
    reason: '',
    looked: false,
    memo: {},
    ...over,
  }) as Decision;
const record = (kind: string, reason: string) =>
  ({ kind: 'record', event: { kind, release: 7, at: 1, reason } }) as Decision['effects'][number];

test('decisions become notices: steps, the approval gate once, a rollback with the verdict', () => {
  assert.deepEqual(
    noticesOf(
      decision({ effects: [record('started', 'release 7 (canary)'), record('traffic', 'x')] }),
      undefined,
      5,
    ).map((n) => n.event),
    ['started'],
  );
  const gate = decision({ phase: 'paused', reason: 'step 2/2: paused until promoted', awaiting: 'operator' });
  assert.deepEqual(
    noticesOf(gate, undefined, 5).map((n) => [n.event, n.text]),
    [['paused', 'waiting for approval: step 2/2: paused until promoted']],
  );
  assert.deepEqual(noticesOf(gate, gate, 6), [], 'said once, not on every look');
  assert.deepEqual(
    noticesOf(
      decision({ phase: 'paused', reason: 'step 2/3: pausing 4 s more', awaiting: 'time' }),
      undefined,
      5,
    ),
    [],
    'a timed pause waits for nobody',
  );
  const verdict = {
    kind: 'fail' as const,
    reasons: ['failure budget spent: 10 of 10'],
    evidence: { candidateErrors: 10 },
  };
  const [rolled] = noticesOf(
    decision({
      phase: 'rolled-back',
      reason: 'analysis failed:\nbudget: rolled back to release 6',
      verdict,
      effects: [record('rolled-back', 'analysis failed:\nbudget')],
    }),
    undefined,
    5,
  );
  assert.equal(rolled?.outcome, 'rolled-back');
  assert.equal(
    rolled?.text,
    'analysis failed: budget: rolled back to release 6; failure budget spent: 10 of 10',
    'one line, every reason: the headline of the record the engine finishes with the same reasons',
  );
  assert.deepEqual(rolled?.evidence, { candidateErrors: 10 });
});

test('templates fill the known placeholders', () => {
  const n = {
    event: 'rolled-back' as const,
    service: 'hello',
    environment: 'production',
    release: 7,
    digest: 'sha256:ab',
    strategy: 'canary',
    at: 0,
    text: 'analysis failed',
    reasons: [],
    outcome: 'rolled-back' as const,
  };
  assert.equal(
    render('{{service}}/{{ environment }} #{{release}} {{event}} ({{outcome}}): {{text}}', n),
    'hello/production #7 rolled back (rolled-back): analysis failed',
  );
});
