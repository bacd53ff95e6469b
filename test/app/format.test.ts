import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  changeKey,
  formatBlock,
  formatOutcome,
  formatPercent,
  formatPlainLine,
  formatStats,
  formatWeights,
  jsonEvent,
  jsonOutcome,
  type Snapshot,
} from '../../src/app/progress/format.ts';
import { formatTable } from '../../src/app/progress/table.ts';

const snap: Snapshot = {
  at: Date.UTC(2026, 0, 1, 10, 0, 0),
  environment: 'development',
  release: 4,
  phase: 'analysing',
  reason: 'step 2/4: analysing',
  weights: { '3': 90, '4': 10 },
  revisions: [
    { release: 3, desired: 2, ready: 2 },
    { release: 4, desired: 1, ready: 1 },
  ],
  stats: {
    '3': { requestsPerSec: 90, errorRate: 0, p50Ms: 2.5, p99Ms: 25 },
    '4': { requestsPerSec: 10, errorRate: 0.3, meanMs: 4 },
  },
  verdict: { kind: 'fail', reasons: ['7 of 7 failed requests on the candidate'], evidence: {} },
};

describe('progress formatting', () => {
  test('weights: highest release first, zero weights left out', () => {
    assert.equal(formatWeights({ '3': 90, '4': 10 }), '#4 10%, #3 90%');
    assert.equal(formatWeights({ '3': 100, '4': 0 }), '#3 100%');
    assert.equal(formatWeights({}), 'no traffic');
  });

  test('percent and stats', () => {
    assert.equal(formatPercent(undefined), '–');
    assert.equal(formatPercent(0), '0%');
    assert.equal(formatPercent(0.0004), '<0.1%');
    assert.equal(formatPercent(0.012), '1.2%');
    assert.equal(formatPercent(0.3), '30%');
    assert.equal(formatStats(undefined), 'no requests');
    assert.equal(formatStats(snap.stats['3']), '90.0 req/s · errors 0% · p50 2.5 ms · p99 25 ms');
    assert.equal(formatStats(snap.stats['4']), '10.0 req/s · errors 30% · mean 4.0 ms');
  });

  test('the live block names phase, step, weights, each revision and the verdict', () => {
    const block = formatBlock(snap, 12_300);
    assert.deepEqual(block, [
      'development · release 4 · analysing · 12s',
      '  step 2/4: analysing',
      '  traffic: #4 10%, #3 90%',
      '  #4 candidate  10%  1/1 ready  10.0 req/s · errors 30% · mean 4.0 ms',
      '  #3 stable     90%  2/2 ready  90.0 req/s · errors 0% · p50 2.5 ms · p99 25 ms',
      '  verdict fail: 7 of 7 failed requests on the candidate',
    ]);
  });

  test('a failed revision shows why', () => {
    const failed = {
      ...snap,
      revisions: [{ release: 4, desired: 1, ready: 0, failed: 'crash loop: exited 1' }],
    };
    assert.match(formatBlock(failed, 0)[3] ?? '', /FAILED: crash loop: exited 1/);
    assert.match(formatPlainLine(failed), /#4 failed \(crash loop: exited 1\)/);
  });

  test('plain line is timestamped and complete', () => {
    assert.equal(
      formatPlainLine(snap),
      '2026-01-01T10:00:00.000Z release 4 analysing: step 2/4: analysing | traffic #4 10%, #3 90% | ' +
        '#4 1/1 ready, 10.0 req/s · errors 30% · mean 4.0 ms | #3 2/2 ready, 90.0 req/s · errors 0% · p50 2.5 ms · p99 25 ms | ' +
        'verdict fail: 7 of 7 failed requests on the candidate',
    );
  });

  test('change key ignores the numbers but not phase, weights, readiness or verdict', () => {
    const key = changeKey(snap);
    assert.equal(changeKey({ ...snap, at: snap.at + 1000, stats: {} }), key);
    assert.notEqual(changeKey({ ...snap, phase: 'rolled-back' }), key);
    assert.notEqual(changeKey({ ...snap, weights: { '3': 100 } }), key);
    assert.notEqual(changeKey({ ...snap, revisions: [{ release: 4, desired: 1, ready: 0 }] }), key);
    assert.notEqual(changeKey({ ...snap, verdict: { kind: 'pass', reasons: [], evidence: {} } }), key);
  });

  test('json event and outcome', () => {
    const e = jsonEvent(snap);
    assert.equal(e.type, 'progress');
    assert.equal(e.at, '2026-01-01T10:00:00.000Z');
    assert.deepEqual(e.weights, { '3': 90, '4': 10 });
    const outcome = {
      kind: 'rolled-back' as const,
      release: 4,
      phase: 'rolled-back' as const,
      reason: 'analysis failed',
      reasons: ['analysis failed', '7 of 7 on the candidate'],
    };
    assert.deepEqual(jsonOutcome(outcome, 'development'), {
      type: 'outcome',
      environment: 'development',
      release: 4,
      outcome: 'rolled-back',
      phase: 'rolled-back',
      reason: 'analysis failed',
      reasons: ['analysis failed', '7 of 7 on the candidate'],
    });
    assert.deepEqual(formatOutcome(outcome, 'development'), [
      'release 4 in development rolled back: analysis failed',
      '  - 7 of 7 on the candidate',
    ]);
  });

  test('tables pad columns to the widest cell', () => {
    assert.deepEqual(
      formatTable(
        ['a', 'bb'],
        [
          ['xyz', '1'],
          ['q', '22'],
        ],
      ),
      ['a    bb', '---  --', 'xyz  1', 'q    22'],
    );
  });
});
