import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  currentRelease,
  type ReleaseSummary,
  rollbackSpec,
  rollbackTarget,
} from '../../src/core/operations.ts';
import { releaseSpec, STRATEGIES } from '../support/specs.ts';

const r = (release: number, outcome: ReleaseSummary['outcome'], digest = `d${release}`): ReleaseSummary => ({
  release,
  outcome,
  digest,
  configHash: 'c',
});

describe('rollbackTarget', () => {
  const cases: Array<
    [name: string, history: ReleaseSummary[], to: number | undefined, want: number | RegExp]
  > = [
    ['previous promoted release', [r(1, 'promoted'), r(2, 'promoted')], undefined, 1],
    [
      'skips failed and rolled-back releases',
      [r(1, 'promoted'), r(2, 'rolled-back'), r(3, 'failed'), r(4, 'promoted')],
      undefined,
      1,
    ],
    [
      'skips an identical copy of the current release',
      [r(1, 'promoted'), r(2, 'promoted'), r(3, 'promoted', 'd2')],
      undefined,
      1,
    ],
    [
      'a rolled-back latest release leaves the current one serving',
      [r(1, 'promoted'), r(2, 'promoted'), r(3, 'rolled-back')],
      undefined,
      1,
    ],
    ['explicit release', [r(1, 'promoted'), r(2, 'promoted'), r(3, 'promoted')], 1, 1],
    ['nothing promoted', [r(1, 'failed')], undefined, /nothing to roll back/],
    ['only one good release', [r(1, 'promoted'), r(2, 'rolled-back')], undefined, /only good release/],
    ['unknown release number', [r(1, 'promoted')], 7, /release 7 does not exist .*releases: 1/],
    [
      'a release that never went live',
      [r(1, 'promoted'), r(2, 'failed'), r(3, 'promoted')],
      2,
      /never went live \(outcome: failed\)/,
    ],
    [
      'the current release itself',
      [r(1, 'promoted'), r(2, 'promoted')],
      2,
      /same digest and config as the current release 2/,
    ],
  ];
  for (const [name, history, to, want] of cases) {
    it(name, () => {
      const got = rollbackTarget(history, to);
      if (typeof want === 'number') assert.equal(got.ok?.release, want, got.error);
      else assert.match(got.error ?? '', want);
    });
  }

  it('currentRelease is the last promoted one', () => {
    assert.equal(currentRelease([r(1, 'promoted'), r(2, 'promoted'), r(3, 'rolled-back')])?.release, 2);
    assert.equal(currentRelease([]), undefined);
  });
});

describe('rollbackSpec', () => {
  it('keeps the digest and config, takes a new number, switches immediately', () => {
    const base = releaseSpec(STRATEGIES.canary, 1);
    const spec = rollbackSpec(base, 5);
    assert.equal(spec.release, 5);
    assert.equal(spec.revision, undefined);
    assert.equal(spec.artifact.digest, base.artifact.digest);
    assert.equal(spec.configHash, base.configHash);
    assert.deepEqual(spec.strategy, {
      kind: 'blue-green',
      prePromotionAnalysis: false,
      autoPromote: true,
      scaleDownDelayMs: 0,
    });
  });
  it('reuses a running revision', () => {
    assert.equal(rollbackSpec(releaseSpec(STRATEGIES.canary, 1), 5, 1).revision, 1);
  });
});
