import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProgressRenderer, progressMode } from '../../src/app/progress/renderer.ts';
import type { Decision } from '../../src/core/decision.ts';
import { initialMemo } from '../../src/core/memo.ts';
import type { Observed } from '../../src/core/types.ts';
import { releaseSpec, STRATEGIES } from '../support/specs.ts';

const observed: Observed = {
  revisions: [
    { release: 1, desired: 2, ready: 2 },
    { release: 2, desired: 1, ready: 1 },
  ],
  weights: { '1': 90, '2': 10 },
  metrics: {},
  commands: [],
};
const analysing: Decision = {
  phase: 'analysing',
  rule: 'canary.analysis.waiting',
  effects: [],
  reason: 'step 2/3: analysing',
  memo: initialMemo(releaseSpec(STRATEGIES.canary), false, 0),
  looked: true,
};
const outcome = {
  kind: 'promoted' as const,
  release: 2,
  phase: 'promoted' as const,
  reason: 'all steps done',
  reasons: ['all steps done'],
};

function capture(mode: 'plain' | 'json' | 'quiet') {
  const out: string[] = [];
  const r = new ProgressRenderer({
    mode,
    environment: 'development',
    write: (t) => out.push(t),
    now: () => 0,
  });
  r.release = 2;
  return { r, out };
}

describe('progress renderer', () => {
  test('mode: --json wins, a terminal gets the live block, anything else plain lines', () => {
    assert.equal(progressMode(true, true), 'json');
    assert.equal(progressMode(false, false), 'plain');
  });

  test('plain: a line only when something changed, then the outcome', () => {
    const { r, out } = capture('plain');
    r.onProgress(analysing, observed);
    r.onProgress(analysing, observed);
    r.onProgress(
      { ...analysing, phase: 'promoting', reason: 'promoting' },
      { ...observed, weights: { '2': 100 } },
    );
    r.finish(outcome);
    r.stop();
    assert.equal(out.length, 3);
    assert.match(out[0] ?? '', /release 2 analysing: step 2\/3: analysing \| traffic #2 10%, #1 90%/);
    assert.match(out[1] ?? '', /release 2 promoting: promoting \| traffic #2 100%/);
    assert.equal(out[2], 'release 2 in development released: all steps done\n');
  });

  test('json: one object per line, ending with the outcome', () => {
    const { r, out } = capture('json');
    r.note('building');
    r.onProgress(analysing, observed);
    r.finish(outcome);
    r.stop();
    const events = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      events.map((e) => e.type),
      ['note', 'progress', 'outcome'],
    );
    assert.equal(events[1].phase, 'analysing');
    assert.equal(events[2].outcome, 'promoted');
  });

  test('quiet prints nothing', () => {
    const { r, out } = capture('quiet');
    r.note('x');
    r.onProgress(analysing, observed);
    r.finish(outcome);
    assert.deepEqual(out, []);
  });
});
