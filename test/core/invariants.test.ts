/**
 * Property tests: random strategies, random revision behaviour and random operator commands, driven
 * through the pure `step` against the `World` model (which records every routing breach).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Decision } from '../../src/core/decision.ts';
import { isTerminal } from '../../src/core/phase.ts';
import type { CanaryStep, Strategy } from '../../src/core/spec.ts';
import { Driver, trafficOf } from '../support/driver.ts';
import { releaseSpec } from '../support/specs.ts';

const canaryStep: fc.Arbitrary<CanaryStep> = fc.oneof(
  fc.record({ kind: fc.constant('weight' as const), weight: fc.integer({ min: 0, max: 100 }) }),
  fc.record({
    kind: fc.constant('pause' as const),
    durationMs: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('analysis' as const),
    maxDurationMs: fc.integer({ min: 1000, max: 300_000 }),
  }),
);

const strategy: fc.Arbitrary<Strategy> = fc.oneof(
  fc.record({
    kind: fc.constant('rolling' as const),
    maxSurge: fc.integer({ min: 0, max: 3 }),
    maxUnavailable: fc.integer({ min: 0, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('blue-green' as const),
    prePromotionAnalysis: fc.boolean(),
    autoPromote: fc.boolean(),
    scaleDownDelayMs: fc.integer({ min: 0, max: 60_000 }),
  }),
  fc.record({
    kind: fc.constant('canary' as const),
    continuousAnalysis: fc.boolean(),
    steps: fc.array(canaryStep, { maxLength: 5 }),
  }),
);

const script = fc.record({
  readyAfterMs: fc.integer({ min: 0, max: 10_000 }),
  errorRate: fc.constantFrom(0, 0, 0.002, 0.05, 0.6),
  neverReady: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
  failAfterMs: fc.option(fc.integer({ min: 0, max: 200_000 }), { nil: undefined, freq: 4 }),
});

type Op = { advance: number } | { command: 'promote' | 'abort' | 'pause' | 'resume' };
const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ advance: fc.integer({ min: 0, max: 30_000 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        command: fc.constantFrom('promote', 'pause', 'resume') as fc.Arbitrary<'promote'>,
      }),
    },
  ),
  { maxLength: 60 },
) as fc.Arbitrary<Op[]>;

const scenario = fc.record({
  strategy,
  script,
  ops,
  replicas: fc.integer({ min: 1, max: 8 }),
  first: fc.integer({ min: 0, max: 9 }).map((x) => x === 0),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Plays the scenario; calls `check` on every decision; returns the driver. */
function play(s: Scenario, check: (d: Decision, dr: Driver) => void): Driver {
  const dr = new Driver(releaseSpec(s.strategy, 2, { replicas: s.replicas }), s.first ? undefined : 1);
  dr.world.script(2, s.script);
  for (const op of s.ops) {
    if ('advance' in op) dr.advance(op.advance);
    else dr.command(op.command);
    const d = dr.step();
    check(d, dr);
    if (isTerminal(d.phase)) break;
  }
  return dr;
}

const RUNS = { numRuns: 300, seed: 20261127 };

describe('release invariants (fast-check)', () => {
  it('every set-traffic sums to 100 and routes only to ready revisions; nothing serving is retired', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const dr = play(s, (d) => {
          for (const w of trafficOf(d)) {
            const sum = Object.values(w).reduce((a, b) => a + b, 0);
            assert.ok(Object.keys(w).length === 0 || sum === 100, `weights ${JSON.stringify(w)}`);
          }
        });
        assert.deepEqual(dr.world.violations, []);
      }),
      RUNS,
    );
  });

  it('canary and blue-green: stable never loses capacity before promotion', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.strategy.kind !== 'rolling' && !s.first),
        (s) => {
          play(s, (d, dr) => {
            const shrink = d.effects.find(
              (a) => a.kind === 'ensure-revision' && a.release === 1 && a.replicas < s.replicas,
            );
            assert.equal(shrink, undefined, `stable scaled down in phase ${d.phase}`);
            if (d.phase !== 'promoted') assert.equal(dr.world.readyCount(1, dr.now), s.replicas);
          });
        },
      ),
      RUNS,
    );
  });

  it('rolling with maxUnavailable 0 keeps full ready capacity until the old revision is retired', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.strategy.kind === 'rolling' && !s.first && !s.script.neverReady),
        (s) => {
          const strategy = { ...s.strategy, maxUnavailable: 0 } as Strategy;
          play({ ...s, strategy, script: { ...s.script, failAfterMs: undefined } }, (d, dr) => {
            if (isTerminal(d.phase)) return;
            const ready = dr.world.readyCount(1, dr.now) + dr.world.readyCount(2, dr.now);
            assert.ok(ready >= s.replicas, `${ready} ready of ${s.replicas} in ${d.phase}`);
          });
        },
      ),
      RUNS,
    );
  });

  it('abort is reachable from every non-terminal phase: stable 100 and candidate 0 in one action', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, cut) => {
        const ops = s.ops.slice(0, cut % (s.ops.length + 1));
        const dr = play({ ...s, ops }, () => {});
        const last = dr.decisions.at(-1);
        if (last && isTerminal(last.phase)) return;
        dr.command('abort');
        const end = dr.runUntil((d) => isTerminal(d.phase), 200);
        assert.ok(isTerminal(end.phase), `stuck in ${end.phase}: ${end.reason}`);
        if (s.first) {
          assert.equal(end.phase, 'failed');
          assert.equal(dr.world.revisions.has(2), false, 'candidate removed');
          return;
        }
        assert.equal(end.phase, 'rolled-back', end.reason);
        assert.deepEqual(dr.world.weights, { '1': 100 });
        const switchBack = dr.decisions
          .flatMap(trafficOf)
          .filter((w) => w['1'] === 100)
          .at(-1);
        if (switchBack) assert.equal(switchBack['2'], 0, 'candidate named with 0 in the same map');
        assert.equal(dr.world.revisions.has(2), false, 'candidate retired');
        assert.deepEqual(dr.world.violations, []);
      }),
      RUNS,
    );
  });

  it('rolling: an abort mid-roll never routes to a stable that has nothing ready', () => {
    const roll = fc.record({
      maxSurge: fc.integer({ min: 0, max: 2 }),
      maxUnavailable: fc.integer({ min: 1, max: 4 }),
      replicas: fc.integer({ min: 2, max: 8 }),
      candidateReadyMs: fc.integer({ min: 100, max: 3000 }),
      stableReadyMs: fc.integer({ min: 100, max: 5000 }),
      ticks: fc.integer({ min: 0, max: 12 }),
    });
    fc.assert(
      fc.property(roll, (r) => {
        const strategy: Strategy = {
          kind: 'rolling',
          maxSurge: r.maxSurge,
          maxUnavailable: r.maxUnavailable,
        };
        const dr = new Driver(releaseSpec(strategy, 2, { replicas: r.replicas }), 1);
        dr.world.script(1, { readyAfterMs: r.stableReadyMs }).script(2, { readyAfterMs: r.candidateReadyMs });
        for (let i = 0; i < r.ticks && !isTerminal(dr.step().phase); i++) dr.advance(500);
        if (isTerminal(dr.decisions.at(-1)?.phase ?? 'pending')) return;
        dr.command('abort');
        const end = dr.runUntil((d) => isTerminal(d.phase), 200, 250);
        assert.equal(end.phase, 'rolled-back', end.reason);
        assert.deepEqual(dr.world.violations, []);
      }),
      RUNS,
    );
  });

  it('every operation ends (promoted, rolled back or failed) when time keeps moving', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const dr = play(s, () => {});
        dr.command('promote', { full: true });
        dr.command('resume');
        const end = dr.runUntil((d) => isTerminal(d.phase), 5000, 5000);
        assert.ok(isTerminal(end.phase), `stuck in ${end.phase}: ${end.reason}`);
      }),
      { ...RUNS, numRuns: 150 },
    );
  });
});
