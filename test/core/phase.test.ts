import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminal, PHASE_ORDER, worst, worstVerdict } from '../../src/core/phase.ts';

describe('phases', () => {
  it('worst picks the later phase, in either order', () => {
    assert.equal(worst('promoted', 'failed'), 'failed');
    assert.equal(worst('failed', 'promoted'), 'failed');
    assert.equal(worst('paused', 'progressing'), 'paused');
    assert.equal(worst('rolled-back', 'aborting'), 'rolled-back');
  });
  it('folding with worst gives the worst of all', () => {
    assert.equal(
      ['pending', 'analysing', 'promoting', 'progressing'].reduce((a, b) => worst(a as never, b as never)),
      'promoting',
    );
  });
  it('exactly promoted, rolled-back and failed are terminal', () => {
    assert.deepEqual(PHASE_ORDER.filter(isTerminal), ['promoted', 'rolled-back', 'failed']);
  });
  it('verdicts: fail beats inconclusive beats pass', () => {
    assert.equal(worstVerdict('pass', 'inconclusive'), 'inconclusive');
    assert.equal(worstVerdict('fail', 'inconclusive'), 'fail');
    assert.equal(worstVerdict('pass', 'pass'), 'pass');
  });
});
