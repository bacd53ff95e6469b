import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReleaseSpec } from '../../src/core/spec.ts';
import {
  assertReleaseSpec,
  InvalidReleaseSpecError,
  releaseSpecProblems,
} from '../../src/core/spec-check.ts';
import { deploy } from '../../src/engine/api.ts';
import { harness } from '../support/engine.ts';
import { deployInput, releaseSpec, STRATEGIES } from '../support/specs.ts';

const good = releaseSpec(STRATEGIES.canary, 1);

describe('release spec guard', () => {
  it('accepts the specs the tests use', () => {
    for (const s of Object.values(STRATEGIES)) assert.deepEqual(releaseSpecProblems(releaseSpec(s, 1)), []);
  });

  const cases: Array<[name: string, spec: ReleaseSpec, problem: RegExp]> = [
    [
      'two checks with one name',
      {
        ...good,
        analysis: {
          ...good.analysis,
          checks: [
            { kind: 'http', name: 'a', url: 'http://x/', method: 'GET', expectStatus: 200, timeoutMs: 1000 },
            {
              kind: 'prometheus',
              name: 'a',
              query: 'up',
              max: 1,
              address: 'http://p:9090',
              addressFrom: 'query',
            },
          ],
        },
      },
      /^analysis\.checks\[1\]\.name: expected a unique, non-empty name, got "a"$/,
    ],
    [
      'zero replicas',
      { ...good, replicas: 0 },
      /^replicas: expected a whole number >= 1 \(instances the service needs\), got 0$/,
    ],
    ['fractional replicas', { ...good, replicas: 2.5 }, /^replicas: .*got 2\.5$/],
    [
      'weight over 100',
      releaseSpec({ kind: 'canary', continuousAnalysis: false, steps: [{ kind: 'weight', weight: 140 }] }, 1),
      /^strategy\.steps\[0\]\.weight: expected a whole number 0\.\.100 \(percent of traffic\), got 140$/,
    ],
    [
      'negative pause',
      releaseSpec(
        { kind: 'canary', continuousAnalysis: false, steps: [{ kind: 'pause', durationMs: -1 }] },
        1,
      ),
      /^strategy\.steps\[0\]\.durationMs: .*got -1$/,
    ],
    [
      'analysis with no time',
      releaseSpec(
        { kind: 'canary', continuousAnalysis: false, steps: [{ kind: 'analysis', maxDurationMs: 0 }] },
        1,
      ),
      /^strategy\.steps\[0\]\.maxDurationMs: .*>= 1, got 0$/,
    ],
    [
      'negative surge',
      releaseSpec({ kind: 'rolling', maxSurge: -1, maxUnavailable: 0 }, 1),
      /^strategy\.maxSurge: .*got -1$/,
    ],
    [
      'negative scale-down delay',
      releaseSpec({ ...STRATEGIES['blue-green'], scaleDownDelayMs: -5 }, 1),
      /^strategy\.scaleDownDelayMs: .*got -5$/,
    ],
    [
      'a tag instead of a digest',
      { ...good, artifact: { digest: 'latest' } },
      /^artifact\.digest: expected sha256:<64 hex digits>, got "latest"$/,
    ],
    ['no progress deadline', { ...good, progressDeadlineMs: 0 }, /^progressDeadlineMs: .*got 0$/],
    [
      'unknown strategy',
      { ...good, strategy: { kind: 'recreate' } as never },
      /^strategy\.kind: expected rolling, blue-green or canary, got "recreate"$/,
    ],
  ];
  for (const [name, spec, problem] of cases) {
    it(`rejects ${name}`, () => {
      const problems = releaseSpecProblems(spec);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', problem);
    });
  }

  it('reports every problem at once', () => {
    const err = (() => {
      try {
        assertReleaseSpec({ ...good, replicas: 0, drainMs: -1, artifact: { digest: 'x' } });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof InvalidReleaseSpecError);
    assert.equal(err.problems.length, 3);
    assert.match(err.message, /invalid release spec:\n {2}- replicas/);
  });

  it('deploy refuses a bad spec before taking the lock or writing the ledger', async () => {
    const h = harness();
    await assert.rejects(
      deploy(h.deps(), deployInput(STRATEGIES.canary, { replicas: 0 })),
      InvalidReleaseSpecError,
    );
    assert.deepEqual(await h.target.ledger().releases(), []);
    assert.equal(h.target.lockHolder(), undefined);
  });
});
