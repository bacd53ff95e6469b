/**
 * A decision is a value: `step` reads a frozen view and writes nothing, the same input gives the same
 * decision, and every decision names the rule that fired with the evidence behind it (what the
 * decision journal records).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMemo } from '../../src/core/memo.ts';
import { step } from '../../src/core/step.ts';
import { Driver } from '../support/driver.ts';
import { releaseSpec, STRATEGIES, type StrategyName } from '../support/specs.ts';

const finished = (d: { phase: string }) => ['promoted', 'rolled-back', 'failed'].includes(d.phase);

describe('decisions are values', () => {
  for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
    for (const errorRate of [0, 0.4]) {
      it(`${name}, error rate ${errorRate}: step never writes to what it is given`, () => {
        const dr = new Driver(releaseSpec(STRATEGIES[name]), 1);
        dr.freeze = true;
        dr.world.script(2, { readyAfterMs: 2000, errorRate });
        const d = dr.runUntil(finished);
        assert.equal(d.phase, errorRate === 0 ? 'promoted' : 'rolled-back');
      });
    }
  }

  it('the same view gives the same decision', () => {
    const dr = new Driver(releaseSpec(STRATEGIES.canary), 1);
    dr.world.script(2, { readyAfterMs: 0 });
    dr.runUntil((d) => d.phase === 'analysing');
    const observed = {
      ...dr.world.observe(dr.now),
      stable: 1,
      metrics: {},
      progress: dr.progress,
      commands: [],
    };
    assert.deepEqual(step(dr.spec, observed, dr.now), step(dr.spec, observed, dr.now));
  });

  it('every decision names its rule; a rollback names the rule that caused it, with the evidence', () => {
    const dr = new Driver(releaseSpec(STRATEGIES.canary), 1);
    dr.world.script(2, { readyAfterMs: 0, errorRate: 0.5 });
    const d = dr.runUntil(finished);
    for (const x of dr.decisions) assert.match(x.rule, /^[a-z-]+(\.[a-z-]+)*$/);
    assert.equal(d.rule, 'rollback.done');
    assert.equal(d.abort?.cause, 'analysis');
    assert.equal(d.abort?.rule, 'canary.analysis.fail');
    assert.equal(d.verdict?.kind, 'fail');
    for (const key of [
      'candidateRequests',
      'candidateErrors',
      'errorsEValue',
      'errorsThreshold',
      'failureBudget',
    ]) {
      assert.equal(typeof d.verdict?.evidence[key], 'number', key);
    }
    const looked = dr.decisions.filter((x) => x.looked);
    assert.ok(looked.length > 0 && looked.every((x) => x.verdict !== undefined));
  });
});

describe('the memo is parsed on read', () => {
  const spec = releaseSpec(STRATEGIES.canary);

  it('a memo of slipway 0.1 (version 1) continues at the same step', () => {
    const v1 = {
      version: 1,
      phase: 'analysing',
      stage: 'steps',
      stepIndex: 1,
      stepStartedAt: 500,
      progressAt: 600,
      candidateReady: 1,
      promoteRequested: false,
      commandsSeen: 2,
      checks: { wanted: true, byName: {} },
    };
    const memo = readMemo(v1, spec, false, 1000);
    assert.deepEqual(memo.strategy, { kind: 'canary', step: 1, promoting: false });
    assert.equal(memo.stageStartedAt, 500);
    assert.deepEqual(memo.operator, { seen: 2, promote: false });
    assert.equal(memo.analysis.wantsChecks, true);
  });

  it('a damaged memo, or one of another strategy, starts afresh instead of being trusted', () => {
    const fresh = readMemo(undefined, spec, false, 1000);
    assert.equal(fresh.phase, 'pending');
    const other = readMemo({ ...fresh, strategy: { kind: 'rolling' } }, spec, false, 2000);
    assert.equal(other.stageStartedAt, 2000);
    assert.equal(readMemo({ ...fresh, phase: 'nowhere' }, spec, false, 3000).stageStartedAt, 3000);
    assert.equal(readMemo({ ...fresh, candidateReady: -1 }, spec, false, 4000).stageStartedAt, 4000);
  });
});
