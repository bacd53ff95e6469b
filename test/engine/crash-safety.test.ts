/**
 * Crash safety: for each strategy, the engine is killed right after its 1st, 2nd, … k-th effect
 * (a target action or a ledger line took effect, then the process "died") — and, separately, right
 * after each of its progress saves — then re-run by another
 * holder once the dead engine's lock has expired. Every re-run must end where an uninterrupted run
 * ends, with no ledger line written twice, no acknowledged action applied again and no traffic left
 * on a half-promoted candidate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LedgerEvent } from '../../src/core/types.ts';
import { deploy, resume } from '../../src/engine/api.ts';
import { OperationInFlightError } from '../../src/engine/errors.ts';
import { LockHeldError } from '../../src/engine/target.ts';
import { harness } from '../support/engine.ts';
import { SimulatedCrash } from '../support/memory-target.ts';
import { deployInput, STRATEGIES, type StrategyName } from '../support/specs.ts';

const TTL = 30_000;

async function setup(name: StrategyName, errorRate: number) {
  const h = harness({ seed: 7 });
  const input = deployInput(STRATEGIES[name]);
  await deploy({ ...h.deps(), lockTtlMs: TTL }, input);
  h.target.world.script(2, { errorRate });
  return { h, input, start: h.target.log.length };
}

/** Effects and saves of an uninterrupted second release, and how it ended. */
async function reference(name: StrategyName, errorRate: number) {
  const { h, input, start } = await setup(name, errorRate);
  const before = h.target.saves;
  const out = await deploy({ ...h.deps(), lockTtlMs: TTL }, input);
  // Saves that only record another analysis look are alike; crash on those around each decision's actions.
  const saves = h.target.actionSaves.filter((n) => n > before).map((n) => n - before);
  return { effects: h.target.log.length - start, saves, out, weights: h.target.world.weights };
}

function key(e: LedgerEvent): string {
  // Two decisions of one instant may share a reason (a rolling step scales, then moves traffic):
  // a journal line is a duplicate only when it is the same line.
  return e.kind === 'decision' ? JSON.stringify(e) : `${e.kind}|${e.at}|${e.reason}`;
}

const scenarios: Array<[label: string, errorRate: number, expected: string]> = [
  ['healthy candidate', 0, 'promoted'],
  ['candidate failing 40% of requests', 0.4, 'rolled-back'],
];

describe('crash safety: kill after every effect or intent save, re-run, same end state', () => {
  for (const name of Object.keys(STRATEGIES) as StrategyName[]) {
    for (const [label, errorRate, expected] of scenarios) {
      it(`${name}, ${label}: a crash after every effect and every intent save resumes to ${expected}`, async () => {
        const ref = await reference(name, errorRate);
        assert.equal(ref.out.kind, expected, ref.out.reason);
        assert.ok(ref.effects >= 4, `only ${ref.effects} effects`);

        const points = [
          ...Array.from({ length: ref.effects }, (_, i) => ({ mode: 'effect' as const, k: i + 1 })),
          ...ref.saves.map((k) => ({ mode: 'save' as const, k })),
        ];
        for (const { mode, k } of points) {
          const { h, input, start } = await setup(name, errorRate);
          if (mode === 'effect') h.target.crashAfter(k);
          else h.target.crashAfterSave(k);
          await assert.rejects(deploy({ ...h.deps('first@a:1'), lockTtlMs: TTL }, input), SimulatedCrash);
          h.target.revive();
          const crashed = h.target.log.slice(start);
          const n = crashed.length;
          if (mode === 'effect') assert.equal(n, k, `crash ${k}: died right after effect ${k}`);

          // The dead engine's lock still stands until it expires; then anyone may resume.
          await assert.rejects(resume(h.deps('second@b:2'), 'test'), LockHeldError);
          h.clock.advance(TTL);
          await assert.rejects(deploy(h.deps('second@b:2'), input), OperationInFlightError);
          const out = await resume({ ...h.deps('second@b:2'), lockTtlMs: TTL }, 'test');
          const total = mode === 'effect' ? ref.effects : ref.saves.at(-1);
          const where = `crash after ${mode} ${k}/${total} (last effect: ${JSON.stringify(crashed.at(-1))})`;

          assert.equal(out.kind, expected, `${where}: ${out.reason}`);
          assert.doesNotMatch(out.reason, /operation finished/, `${where}: the real reason survives a crash`);
          assert.deepEqual(h.target.world.weights, ref.weights, where);
          assert.deepEqual([...h.target.world.revisions.keys()], [expected === 'promoted' ? 2 : 1], where);
          assert.deepEqual(h.target.world.violations, [], where);

          const events = await h.target.ledger().events(2);
          const keys = events.map(key);
          assert.equal(new Set(keys).size, keys.length, `${where}: a ledger line written twice`);
          assert.equal(events.filter((e) => e.kind === 'started').length, 1, where);
          const ends = events.filter((e) =>
            ['promoted', 'rolled-back', 'aborted', 'failed'].includes(e.kind),
          );
          assert.equal(ends.length, 1, `${where}: one final event`);
          assert.equal(events.at(-1), ends[0] && events.at(-1));
          const record = (await h.target.ledger().releases()).find((r) => r.release === 2);
          assert.equal(record?.outcome, expected, where);

          // The first thing the re-run did was the interrupted action again (declarative) or something
          // new — never one of the k-1 actions the dead engine had finished and acknowledged.
          const firstAfter = h.target.log[start + k];
          const acknowledged = crashed.slice(0, -1).filter((e) => e.kind !== 'ledger');
          if (
            firstAfter &&
            firstAfter.kind !== 'ledger' &&
            JSON.stringify(firstAfter) !== JSON.stringify(crashed.at(-1))
          ) {
            assert.ok(
              !acknowledged.some((e) => JSON.stringify(e) === JSON.stringify(firstAfter)),
              `${where}: re-applied an acknowledged action ${JSON.stringify(firstAfter)}`,
            );
          }
        }
      });
    }
  }

  it('a candidate that vanished while the engine was down is rolled back on re-run', async () => {
    const { h, input } = await setup('canary', 0);
    // journal line, started, ensure; journal line, set-traffic 10%, … : the candidate serves
    h.target.crashAfter(5);
    await assert.rejects(deploy({ ...h.deps(), lockTtlMs: TTL }, input), SimulatedCrash);
    h.target.revive();
    assert.ok((h.target.world.weights['2'] ?? 0) > 0, 'candidate was serving when the engine died');
    h.target.world.revisions.delete(2);
    h.clock.advance(TTL);
    const out = await resume(h.deps('second@b:2'), 'test');
    assert.equal(out.kind, 'rolled-back');
    assert.match(out.reason, /disappeared/);
    assert.deepEqual(h.target.world.weights, { '1': 100 });
  });
});
