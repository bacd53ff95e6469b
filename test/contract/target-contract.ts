/**
 * The engine's Target port (src/engine/target.ts) as one set of tests, run against every target:
 * the memory target (test/support), the local target (a real daemon, proxy and app processes) and
 * the Kubernetes target (a real API server, when the cluster is there — required under CI, like
 * every Kubernetes suite: test/support/k8s/cluster.ts). Each target's file builds a `Subject`;
 * the assertions are the same for all, so a target that behaves differently from the others fails
 * here rather than in an engine test that happens to use one of them.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import type { ReleaseSpec } from '../../src/core/spec.ts';
import type { TargetObservation } from '../../src/core/types.ts';
import type { ReleaseRecord, Target } from '../../src/engine/target.ts';

export interface Subject {
  target: Target;
  /** Instances per revision the tests ask for. */
  replicas: number;
  /** The spec of release `n` (its own digest where the target can run several). */
  spec(release: number): ReleaseSpec;
  /** The ledger record of release `n`, as the engine writes it at `begin`. */
  record(release: number): ReleaseRecord;
  /**
   * Reads `target.observe()` until `pick` gives a value, letting the target's time pass (a virtual
   * clock moves; real targets are polled), or fails naming `what`.
   */
  until<T>(what: string, pick: (o: TargetObservation) => T | undefined): Promise<T>;
}

/** The weights with their zero entries left out (a target may keep a drained backend at 0 a while). */
const serving = (w: Record<string, number>) => Object.fromEntries(Object.entries(w).filter(([, v]) => v > 0));

const ready = (s: Subject, release: number) =>
  s.until(`release ${release} ready (${s.replicas} instance(s))`, (o) => {
    const rev = o.revisions.find((r) => r.release === release);
    if (rev?.failed) throw new Error(`release ${release} failed: ${rev.failed}`);
    return rev && rev.ready >= s.replicas ? rev : undefined;
  });

const routes = (s: Subject, weights: Record<string, number>) =>
  s.until(`the split ${JSON.stringify(weights)}`, (o) =>
    JSON.stringify(serving(o.weights)) === JSON.stringify(weights) ? o : undefined,
  );

const gone = (s: Subject, release: number) =>
  s.until(`release ${release} retired`, (o) =>
    o.revisions.some((r) => r.release === release) ? undefined : o,
  );

/** Release `n` created, ready, and serving everything (the stable of the later tests). */
async function deployed(s: Subject, release: number): Promise<void> {
  await s.target.ledger().begin(s.record(release));
  await s.target.apply([{ kind: 'ensure-revision', release, replicas: s.replicas }], s.spec(release));
  await ready(s, release);
  await s.target.apply(
    [{ kind: 'set-traffic', weights: { [String(release)]: 100 }, stable: release }],
    s.spec(release),
  );
  await routes(s, { [String(release)]: 100 });
}

/** Release 1 serving, release 2 ready and given 20 %. */
async function split(s: Subject): Promise<void> {
  await deployed(s, 1);
  await s.target.ledger().begin(s.record(2));
  await s.target.apply([{ kind: 'ensure-revision', release: 2, replicas: s.replicas }], s.spec(2));
  await ready(s, 2);
  await s.target.apply([{ kind: 'set-traffic', weights: { '1': 80, '2': 20 }, stable: 1 }], s.spec(2));
  await routes(s, { '1': 80, '2': 20 });
}

export interface ContractOptions {
  /** Why this target cannot run here (the suite is then skipped with it), or false. */
  skip?: string | false;
  /** Per test. */
  timeout?: number;
}

export function targetContract(
  name: string,
  make: (t: TestContext) => Promise<Subject>,
  opts: ContractOptions = {},
): void {
  const t = { timeout: opts.timeout ?? 60_000 };
  describe(`Target contract: ${name}`, { skip: opts.skip ?? false }, () => {
    test(
      'deploy a revision: ensure-revision makes it ready, set-traffic routes everything to it',
      t,
      async (c) => {
        const s = await make(c);
        await deployed(s, 1);
        const o = await s.target.observe();
        assert.deepEqual(
          o.revisions.map((r) => [r.release, r.desired]),
          [[1, s.replicas]],
        );
      },
    );

    test(
      'split weights: a second revision takes 20 % while the first keeps 80 %; both observed',
      t,
      async (c) => {
        const s = await make(c);
        await split(s);
        const o = await s.target.observe();
        assert.deepEqual(o.revisions.map((r) => r.release).sort(), [1, 2]);
        assert.ok(o.revisions.every((r) => r.ready >= s.replicas && r.failed === undefined));
      },
    );

    test(
      'actions are idempotent: the same ensure-revision and set-traffic again change nothing',
      t,
      async (c) => {
        const s = await make(c);
        await split(s);
        const before = await s.target.observe();
        await s.target.apply(
          [
            { kind: 'ensure-revision', release: 2, replicas: s.replicas },
            { kind: 'set-traffic', weights: { '1': 80, '2': 20 }, stable: 1 },
          ],
          s.spec(2),
        );
        const after = await routes(s, { '1': 80, '2': 20 });
        assert.deepEqual(
          after.revisions.map((r) => [r.release, r.desired]).sort(),
          before.revisions.map((r) => [r.release, r.desired]).sort(),
        );
      },
    );

    test(
      'promote: everything to the candidate, then the old revision retires after its drain',
      t,
      async (c) => {
        const s = await make(c);
        await split(s);
        await s.target.apply([{ kind: 'set-traffic', weights: { '1': 0, '2': 100 }, stable: 2 }], s.spec(2));
        await routes(s, { '2': 100 });
        await s.target.apply([{ kind: 'retire-revision', release: 1, drainMs: 200 }], s.spec(2));
        const o = await gone(s, 1);
        assert.deepEqual(serving(o.weights), { '2': 100 });
        // Retiring what is already gone does nothing (the engine relies on it after a crash).
        await s.target.apply([{ kind: 'retire-revision', release: 1, drainMs: 200 }], s.spec(2));
        assert.deepEqual(
          (await s.target.observe()).revisions.map((r) => r.release),
          [2],
        );
      },
    );

    test('roll back: everything back to the stable, then the candidate retires', t, async (c) => {
      const s = await make(c);
      await split(s);
      await s.target.apply([{ kind: 'set-traffic', weights: { '1': 100, '2': 0 }, stable: 1 }], s.spec(2));
      await routes(s, { '1': 100 });
      await s.target.apply([{ kind: 'retire-revision', release: 2, drainMs: 200 }], s.spec(2));
      const o = await gone(s, 2);
      assert.deepEqual(
        o.revisions.map((r) => r.release),
        [1],
      );
    });

    test('history: the ledger keeps releases in order, with events, commands and outcomes', t, async (c) => {
      const s = await make(c);
      const ledger = s.target.ledger();
      await ledger.begin(s.record(1));
      await ledger.begin(s.record(2));
      await ledger.append({
        release: 2,
        at: 5,
        kind: 'traffic',
        reason: 'weight 20',
        weights: { '1': 80, '2': 20 },
      });
      await ledger.command(2, { kind: 'abort', at: 6 });
      await ledger.finish(1, 'promoted', [], 7);
      await ledger.finish(2, 'rolled-back', ['operator abort'], 8);
      const records = await ledger.releases();
      assert.deepEqual(
        records.map((r) => [r.release, r.outcome, r.digest, r.finishedAt]),
        [
          [1, 'promoted', s.spec(1).artifact.digest, 7],
          [2, 'rolled-back', s.spec(2).artifact.digest, 8],
        ],
      );
      assert.deepEqual(records[1]?.reasons, ['operator abort']);
      assert.deepEqual(
        (await ledger.events(2)).map((e) => [e.kind, e.reason, e.weights]),
        [['traffic', 'weight 20', { '1': 80, '2': 20 }]],
      );
      assert.deepEqual(
        (await ledger.commands(2)).map((x) => x.kind),
        ['abort'],
      );
    });
  });
}
