/**
 * What a daemon started by the keeper takes over from the one that died: which releases of an
 * environment still run (their app processes are alive in the keeper), how many instances each
 * keeps, which processes are strays to stop, and the split the keeper's proxy still routes by.
 * Pure: the daemon reads the inputs and acts on the plan.
 *
 * Worked example: release 1 promoted (2 replicas), a canary of release 2 at 20 % (1 replica) when
 * the daemon died; the keeper still runs 1/0, 1/1 and 2/0 and routes `{1: 80, 2: 20}`. The plan
 * adopts all three, keeps `{1: 80, 2: 20}` with stable 1, and the CLI watching the canary carries on.
 */
import type { RouteTable } from '../proxy/routing.ts';

export interface LiveApp {
  app: number;
  pid: number;
  release: number;
  index: number;
  port: number;
}

export interface AdoptionInput {
  /** The environment's last promoted release (from its ledger). */
  lastPromoted?: number | undefined;
  /** Configured replicas of each release with a runtime file (only those can be supervised). */
  replicasOf: Map<number, number>;
  apps: LiveApp[];
  /** The keeper's current table for the environment's proxy port, if it runs one. */
  table?: RouteTable | undefined;
}

export interface AdoptionPlan {
  releases: { release: number; replicas: number; adopt: LiveApp[] }[];
  weights: Record<string, number>;
  stable?: number;
  /** Live apps nobody will supervise: an unknown release, or an index past the replicas. */
  strays: LiveApp[];
}

export function adoptionPlan(input: AdoptionInput): AdoptionPlan {
  const { lastPromoted, replicasOf, apps, table } = input;
  const routed = Object.entries(table?.weights ?? {})
    .filter(([, w]) => w > 0)
    .map(([id]) => Number(id));
  const wanted = new Set<number>([
    ...(lastPromoted === undefined ? [] : [lastPromoted]),
    ...apps.map((a) => a.release),
    ...routed,
  ]);
  const releases: AdoptionPlan['releases'] = [];
  const kept = new Set<LiveApp>();
  for (const release of [...wanted].sort((a, b) => a - b)) {
    const configured = replicasOf.get(release);
    if (configured === undefined) continue;
    const live = apps.filter((a) => a.release === release);
    // Every release keeps the capacity it had (a canary may run fewer instances than configured);
    // the stable at least its configured replicas, another release at least one if it had traffic.
    const had = live.length ? Math.max(...live.map((a) => a.index)) + 1 : 0;
    const floor = release === lastPromoted ? configured : routed.includes(release) ? 1 : 0;
    const replicas = Math.max(had, floor);
    if (replicas === 0) continue;
    const adopt = live.filter((a) => a.index < replicas);
    for (const a of adopt) kept.add(a);
    releases.push({ release, replicas, adopt });
  }
  const restored = new Set(releases.map((r) => String(r.release)));
  const fromTable = Object.fromEntries(
    Object.entries(table?.weights ?? {}).filter(([id]) => restored.has(id)),
  );
  const sum = Object.values(fromTable).reduce((a, b) => a + b, 0);
  const weights =
    sum === 100
      ? fromTable
      : lastPromoted !== undefined && restored.has(String(lastPromoted))
        ? { [String(lastPromoted)]: 100 }
        : {};
  const tableStable = table?.stable === undefined ? undefined : Number(table.stable);
  const stable = tableStable !== undefined && restored.has(String(tableStable)) ? tableStable : lastPromoted;
  return {
    releases,
    weights,
    ...(stable === undefined ? {} : { stable }),
    strays: apps.filter((a) => !kept.has(a)),
  };
}
