// Custom checks through the engine (memory target, virtual clock): read for the candidate only
// while it is under analysis, once per interval; 2 consecutive breaches roll it back; the streak
// survives the engine being stopped and resumed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckSpec, Strategy } from '../../src/core/spec.ts';
import type { CheckResult } from '../../src/core/types.ts';
import { deploy, resume } from '../../src/engine/api.ts';
import type { CheckReader } from '../../src/providers/checks.ts';
import { harness } from '../support/engine.ts';
import { ANALYSIS, deployInput, STRATEGIES } from '../support/specs.ts';

const LATENCY: CheckSpec = {
  kind: 'prometheus',
  name: 'p99-latency-seconds',
  query: 'q',
  max: 0.3,
  address: 'http://127.0.0.1:9090',
  addressFrom: 'default',
};
const input = (strategy: Strategy = STRATEGIES.canary) =>
  deployInput(strategy, { analysis: { ...ANALYSIS, checks: [LATENCY] } });

/** A reader whose value per revision is given; it records when and for whom it was asked. */
function reader(h: ReturnType<typeof harness>, value: (revision: number) => number | undefined) {
  const reads: Array<{ at: number; revision: number }> = [];
  const checks: CheckReader = {
    async read(specs, revision) {
      reads.push({ at: h.clock.now(), revision });
      return specs.map((c): CheckResult => {
        const v = value(revision);
        return v === undefined ? { name: c.name, error: 'no series matched' } : { name: c.name, value: v };
      });
    },
  };
  return { checks, reads };
}

describe('custom checks through the engine', () => {
  it('a candidate breaching its check twice in a row is rolled back, the reason naming the query', async () => {
    const h = harness();
    const { checks, reads } = reader(h, (r) => (r === 2 ? 0.52 : 0.1));
    await deploy({ ...h.deps(), checks }, input());
    assert.equal(reads.length, 0, 'a first release is not analysed: nothing read');
    const out = await deploy({ ...h.deps(), checks }, input());
    assert.equal(out.kind, 'rolled-back', out.reason);
    assert.match(out.reason, /query p99-latency-seconds = 0\.52 > max 0\.3 on 2 consecutive reads/);
    assert.deepEqual(h.target.world.weights, { '1': 100 });
    assert.equal(reads.length, 2);
    assert.ok(reads.every((r) => r.revision === 2));
    assert.equal((reads[1]?.at ?? 0) - (reads[0]?.at ?? 0), 1000, 'one read per analysis interval');
  });

  it('a healthy candidate with its check in bounds is promoted; checks are read only under analysis', async () => {
    const h = harness();
    const { checks, reads } = reader(h, () => 0.1);
    const blueGreen = { ...STRATEGIES['blue-green'], scaleDownDelayMs: 60_000 };
    await deploy({ ...h.deps(), checks }, input(blueGreen));
    const out = await deploy({ ...h.deps(), checks }, input(blueGreen));
    assert.equal(out.kind, 'promoted', out.reason);
    const analysis = (await h.target.ledger().events(2)).find((e) => e.kind === 'analysis');
    assert.match(analysis?.reason ?? '', /query p99-latency-seconds = 0\.1 within max 0\.3/);
    // Pre-promotion analysis ends at the cutover; the 60 s scale-down delay reads nothing.
    const last = reads.at(-1)?.at ?? 0;
    assert.ok(reads.length >= 1 && (analysis?.at ?? 0) >= last, 'no read after the analysis passed');
  });

  it('the bad streak survives the engine being stopped: one more breach after resume rolls back', async () => {
    const h = harness();
    const stop = new AbortController();
    const first = reader(h, () => 0.9);
    await deploy(h.deps(), input());
    const wrapped: CheckReader = {
      async read(specs, revision) {
        const r = await first.checks.read(specs, revision);
        stop.abort(new Error('engine killed'));
        return r;
      },
    };
    await assert.rejects(deploy({ ...h.deps(), checks: wrapped, signal: stop.signal }, input()));
    assert.equal(first.reads.length, 1);
    h.clock.advance(31_000); // the stopped engine's lock expires
    const second = reader(h, () => 0.9);
    const out = await resume({ ...h.deps('second@b:2'), checks: second.checks }, 'test');
    assert.equal(out.kind, 'rolled-back', out.reason);
    assert.match(out.reason, /on 2 consecutive reads/);
    assert.equal(second.reads.length, 1, 'the read before the stop counted');
  });
});
