// `slipway plan` on a local environment: the strategy's steps as the engine runs them (the whole
// command, through the installed bin and without starting a daemon, is in test/package/apps-*.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSteps } from '../../../src/targets/local/plan.ts';

test('a canary lists each step with its weight or duration, then the promotion', () => {
  const steps = describeSteps({
    kind: 'canary',
    continuousAnalysis: false,
    steps: [
      { kind: 'weight', weight: 10 },
      { kind: 'analysis', maxDurationMs: 120_000 },
      { kind: 'pause', durationMs: 1500 },
      { kind: 'pause' },
    ],
  });
  assert.deepEqual(steps, [
    '1/4 send 10% of traffic to the candidate',
    '2/4 analyse for at most 2m',
    '3/4 pause 1500ms',
    '4/4 pause until `slipway promote`',
    'promote on a passing verdict: 100% to the candidate',
  ]);
});

test('given the no-data policy, the plan says what a deploy without traffic ends in', () => {
  const canary = (noData: 'pass' | 'fail' | 'inconclusive') =>
    describeSteps(
      {
        kind: 'canary',
        continuousAnalysis: true,
        steps: [
          { kind: 'weight', weight: 50 },
          { kind: 'analysis', maxDurationMs: 15_000 },
        ],
      },
      noData,
    ).join('\n');
  assert.match(
    canary('pass'),
    /^no candidate request by an analysis deadline or the last step: passes \(analysis\.noData: pass\)$/m,
  );
  assert.match(canary('fail'), /: rolled back \(analysis\.noData: fail\)$/m);
  assert.match(canary('inconclusive'), /rolled back \(analysis\.noData: pass would pass it\)/);
  const blueGreen = describeSteps(
    { kind: 'blue-green', prePromotionAnalysis: true, autoPromote: true, scaleDownDelayMs: 0 },
    'inconclusive',
  );
  assert.match(blueGreen.join('\n'), /no candidate request by the progress deadline: rolled back/);
  const bounded = describeSteps(
    {
      kind: 'blue-green',
      prePromotionAnalysis: true,
      analysisMaxDurationMs: 30_000,
      autoPromote: true,
      scaleDownDelayMs: 0,
    },
    'pass',
  );
  assert.match(
    bounded.join('\n'),
    /no candidate request by prePromotionAnalysis\.maxDuration \(30 s, .*\): passes/,
  );
});

test('blue-green says whether it analyses, how it switches and how long the old revision stays', () => {
  const steps = describeSteps({
    kind: 'blue-green',
    prePromotionAnalysis: true,
    autoPromote: false,
    scaleDownDelayMs: 30_000,
  });
  assert.match(steps.join('\n'), /analyse the candidate through its preview/);
  assert.match(steps.join('\n'), /wait for `slipway promote`/);
  assert.match(steps.join('\n'), /keep the old revision 30s/);
});
