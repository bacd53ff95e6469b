/**
 * Pure routing decisions: validating a route table, the smooth weighted round-robin schedule, sticky
 * hashing and pinning. No sockets here, so every rule is testable as a table of cases.
 */

export interface Instance {
  host: string;
  port: number;
}

export interface RouteTable {
  revisions: { id: string; instances: Instance[] }[];
  /** Revision id → percent. Must sum to 100 over the listed revisions (or the table has no revisions). */
  weights: Record<string, number>;
  /** The revision that failed idempotent requests are retried on. */
  stable?: string;
  /** Honour signed pins (`proxy.pinning` in slipway.yaml). Default false: pin headers and cookies are ignored. */
  pinning?: boolean;
}

/** A route table as the request path uses it: validated, with the schedule precomputed. */
export interface CompiledTable {
  version: number;
  revisions: CompiledRevision[];
  byId: Map<string, CompiledRevision>;
  /** SWRR order over one period (length = sum of routable weights, 100 unless some are unroutable). */
  schedule: CompiledRevision[];
  /** Revisions with weight > 0 and at least one instance, for sticky hashing. */
  weighted: CompiledRevision[];
  stable: CompiledRevision | undefined;
  /** Revisions being drained: their long-lived connections (upgrades) are closed. */
  draining: Set<string>;
  pinning: boolean;
}

export interface CompiledRevision {
  id: string;
  /** Index of this revision's counters in the shared counter block. */
  slot: number;
  weight: number;
  instances: CompiledInstance[];
  /** Round-robin position among the instances (each thread has its own compiled copy). */
  cursor: number;
}

export interface CompiledInstance extends Instance {
  /** Skipped by round-robin until then (performance.now() ms): it refused or dropped a connection. */
  downUntil: number;
}

/** A route table the proxy refuses, with the reason and how to fix it. */
export class RouteTableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RouteTableError';
  }
}

/** Checks a table and throws one error listing every problem (path, value, fix). */
export function validateRouteTable(table: RouteTable): void {
  const problems: string[] = [];
  const ids = new Set<string>();
  table.revisions.forEach((revision, i) => {
    if (typeof revision.id !== 'string' || revision.id === '') {
      problems.push(
        `revisions[${i}].id is ${JSON.stringify(revision.id)}: give each revision a non-empty id`,
      );
    } else if (ids.has(revision.id)) {
      problems.push(`revisions[${i}].id "${revision.id}" is listed twice: list each revision once`);
    }
    ids.add(revision.id);
    revision.instances.forEach((instance, j) => {
      if (!Number.isInteger(instance.port) || instance.port < 1 || instance.port > 65535) {
        problems.push(`revisions[${i}].instances[${j}].port is ${instance.port}: use a TCP port 1-65535`);
      }
      if (typeof instance.host !== 'string' || instance.host === '') {
        problems.push(`revisions[${i}].instances[${j}].host is empty: use e.g. 127.0.0.1`);
      }
    });
  });
  let sum = 0;
  for (const [id, weight] of Object.entries(table.weights)) {
    if (!ids.has(id))
      problems.push(`weights.${id}: revision "${id}" is not in revisions; list it or drop its weight`);
    if (!Number.isInteger(weight) || weight < 0 || weight > 100) {
      problems.push(`weights.${id} is ${weight}: use an integer percent from 0 to 100`);
    }
    sum += weight;
  }
  if (table.revisions.length > 0 && sum !== 100) {
    problems.push(`weights sum to ${sum}: they must sum to 100 over the listed revisions`);
  }
  if (table.stable !== undefined && !ids.has(table.stable)) {
    problems.push(`stable is "${table.stable}", which is not in revisions`);
  }
  if (problems.length > 0) throw new RouteTableError(`invalid route table:\n  - ${problems.join('\n  - ')}`);
}

/**
 * nginx's smooth weighted round-robin over one period. Weights {a: 5, b: 1, c: 1} give
 * a a b a c a a: the heavy revision is spread out instead of served in a burst, and over any full period
 * every revision gets exactly its weight. Ties go to the earlier revision.
 */
export function swrrSchedule<T extends { weight: number }>(items: T[]): T[] {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  const current = items.map(() => 0);
  const order: T[] = [];
  for (let n = 0; n < total; n++) {
    let best = -1;
    for (let i = 0; i < items.length; i++) {
      current[i]! += items[i]!.weight;
      if (best < 0 || current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    order.push(items[best]!);
  }
  return order;
}

/** Builds the request-path form. `slots` maps revision id → counter slot (assigned by the owner). */
export function compileTable(
  table: RouteTable,
  version: number,
  slots: Map<string, number>,
  draining: string[] = [],
): CompiledTable {
  const revisions = table.revisions.map((r) => ({
    id: r.id,
    slot: slots.get(r.id) ?? -1,
    weight: table.weights[r.id] ?? 0,
    instances: r.instances.map((i) => ({ host: i.host, port: i.port, downUntil: 0 })),
    cursor: 0,
  }));
  // A weighted revision without instances cannot serve: its share goes to the others rather than to 503s.
  const weighted = revisions.filter((r) => r.weight > 0 && r.instances.length > 0);
  return {
    version,
    revisions,
    byId: new Map(revisions.map((r) => [r.id, r])),
    schedule: swrrSchedule(weighted),
    weighted,
    stable: revisions.find((r) => r.id === table.stable),
    draining: new Set(draining),
    pinning: table.pinning === true,
  };
}

/** 32-bit FNV-1a followed by murmur3's finaliser, so that similar keys land far apart. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Weighted rendezvous hashing: each revision scores `weight / -ln(u)` with `u` a hash of (key, revision);
 * the highest score wins. A key lands on a revision with probability proportional to its weight, and when
 * weights change only the keys that must move do: raising the canary from 10 to 20 moves about 10% of
 * sessions from stable to canary and none the other way.
 */
export function stickyPick(weighted: CompiledRevision[], key: string): CompiledRevision | undefined {
  let best: CompiledRevision | undefined;
  let bestScore = -1;
  for (const revision of weighted) {
    const u = (hash32(`${key}\u0000${revision.id}`) + 0.5) / 4294967296;
    const score = revision.weight / -Math.log(u);
    if (score > bestScore) {
      bestScore = score;
      best = revision;
    }
  }
  return best;
}
