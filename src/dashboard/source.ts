/**
 * What the dashboard server needs from where it runs: the environments it shows, and per
 * environment the target's observation, the ledger, traffic samples, the lock holder and the
 * engine's rollback. Two implementations: inside the local daemon (`daemon-source.ts`) and in the
 * CLI over any opened target (`target-source.ts`, used for Kubernetes).
 */

import type { RollbackPlan } from '../engine/api.ts';
import { loadEnvelope } from '../engine/journal.ts';
import type { Ledger } from '../engine/target.ts';
import type { OperationOutcome } from '../engine/types.ts';
import type { RevisionSample } from '../targets/samples.ts';
import type { EnvironmentState } from './protocol.ts';
import { readEnvelope } from './view/envelope.ts';
import { environmentState, type ObservedRevision } from './view/state.ts';

export interface EnvironmentSource {
  readonly name: string;
  /** `local` or `kubernetes`. */
  readonly target: string;
  endpoint(): Promise<string | undefined>;
  observe(): Promise<{ weights: Record<string, number>; revisions: ObservedRevision[] }>;
  ledger(): Ledger;
  /** Cumulative per-revision counters and latency histogram; undefined when unavailable. */
  sample(): Promise<Record<string, RevisionSample> | undefined>;
  /** Who holds the environment lock now, when the source can tell. */
  lock(): Promise<{ holder: string; expiresAt: number } | undefined>;
  planRollback(to?: number): Promise<RollbackPlan>;
  /** Runs the engine's rollback to a terminal phase (the server does not wait for it). */
  rollback(to?: number): Promise<OperationOutcome>;
}

export interface DashboardSource {
  environments(): Promise<EnvironmentSource[]>;
}

/** Reads everything the page shows about one environment, now. */
export async function gatherState(src: EnvironmentSource): Promise<EnvironmentState> {
  const ledger = src.ledger();
  const [records, observed, endpoint, lock] = await Promise.all([
    ledger.releases(),
    src.observe(),
    src.endpoint().catch(() => undefined),
    src.lock().catch(() => undefined),
  ]);
  const open = records.find((r) => r.finishedAt === undefined);
  const lastDone = [...records].reverse().find((r) => r.finishedAt !== undefined);
  const focus = open ?? lastDone;
  const events = focus ? await ledger.events(focus.release) : [];
  const envelope = focus ? readEnvelope(await loadEnvelope(ledger, focus.release), Date.now()) : undefined;
  return environmentState({
    name: src.name,
    target: src.target,
    ...(endpoint ? { endpoint } : {}),
    weights: observed.weights,
    revisions: observed.revisions,
    records,
    ...(open ? { current: { record: open, events, ...(envelope ? { envelope } : {}) } } : {}),
    ...(!open && lastDone ? { last: { record: lastDone, events, ...(envelope ? { envelope } : {}) } } : {}),
    ...(lock && lock.expiresAt > Date.now() ? { lock } : {}),
  });
}
