/** Builds engine dependencies around a memory target and a virtual clock. */
import assert from 'node:assert/strict';
import type { Decision } from '../../src/core/decision.ts';
import type { EngineDeps } from '../../src/engine/api.ts';
import { MemoryTarget } from './memory-target.ts';
import { VirtualClock } from './virtual-clock.ts';

export function harness(opts: { seed?: number; rps?: number } = {}) {
  const clock = new VirtualClock();
  const target = new MemoryTarget({ clock, seed: opts.seed, rps: opts.rps });
  const decisions: Decision[] = [];
  const deps = (holder = 'test@host:1'): EngineDeps => ({
    target,
    metrics: target.metrics,
    clock,
    holder,
    pollMs: 2000,
    onProgress: (d) => decisions.push(d),
  });
  return { clock, target, deps, decisions };
}

/** Lets the virtual clock and the engine run (one virtual second at a time) until `cond` holds. */
export async function until(cond: () => boolean, h: { clock: VirtualClock }): Promise<void> {
  for (let i = 0; i < 10_000 && !cond(); i++) await h.clock.sleep(1000);
  assert.ok(cond(), 'condition never held');
}
