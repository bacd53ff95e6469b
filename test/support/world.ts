/**
 * A synchronous model of one environment's runtime for tests: revisions with instances that become
 * ready on a script, a traffic split, and a record of everything that was asked of it. The memory
 * target wraps it; property tests drive it directly with `step`. It also checks, on every
 * `set-traffic`, the invariants a real router relies on, and lists each breach in `violations`.
 */
import type { Action, Effect, RevisionObservation, TargetObservation } from '../../src/core/types.ts';

/** How a revision behaves, per release number. */
export interface RevisionScript {
  /** Time from an instance being asked for to it passing readiness; default 1000 ms. */
  readyAfterMs?: number;
  /** Instances never pass readiness. */
  neverReady?: boolean;
  /** The target gives up on the revision this long after it was created. */
  failAfterMs?: number;
  failReason?: string;
  /** Fraction of requests answered 5xx. */
  errorRate?: number;
}

interface Revision {
  release: number;
  createdAt: number;
  /** One entry per instance asked for: when it becomes ready. */
  readyAt: number[];
}

export class World {
  readonly revisions = new Map<number, Revision>();
  weights: Record<string, number> = {};
  readonly scripts = new Map<number, RevisionScript>();
  readonly applied: Action[] = [];
  readonly violations: string[] = [];
  /** Every release that was ever retired. */
  readonly retired: number[] = [];

  script(release: number, script: RevisionScript): this {
    this.scripts.set(release, script);
    return this;
  }

  /** A revision already running and serving everything (the stable of a test). */
  seed(release: number, replicas: number, now: number): this {
    this.revisions.set(release, { release, createdAt: now, readyAt: Array(replicas).fill(now) });
    this.weights = { [String(release)]: 100 };
    return this;
  }

  observe(now: number): TargetObservation {
    const revisions: RevisionObservation[] = [...this.revisions.values()].map((r) => this.revision(r, now));
    return { revisions, weights: { ...this.weights } };
  }

  readyCount(release: number, now: number): number {
    const r = this.revisions.get(release);
    return r ? this.revision(r, now).ready : 0;
  }

  apply(action: Effect, now: number): void {
    if (action.kind === 'record') return;
    this.applied.push(action);
    if (action.kind === 'ensure-revision') {
      this.ensure(action.release, action.replicas, now);
      return;
    }
    if (action.kind === 'retire-revision') {
      if ((this.weights[String(action.release)] ?? 0) > 0) {
        this.violations.push(`retired revision ${action.release} while it had traffic`);
      }
      this.revisions.delete(action.release);
      delete this.weights[String(action.release)];
      this.retired.push(action.release);
      return;
    }
    const sum = Object.values(action.weights).reduce((s, w) => s + w, 0);
    if (Object.keys(action.weights).length > 0 && sum !== 100) {
      this.violations.push(`weights sum to ${sum}: ${JSON.stringify(action.weights)}`);
    }
    for (const [id, w] of Object.entries(action.weights)) {
      if (w > 0 && this.readyCount(Number(id), now) === 0) {
        this.violations.push(`${w}% routed to revision ${id}, which has no ready instance`);
      }
    }
    this.weights = Object.fromEntries(Object.entries(action.weights).filter(([, w]) => w > 0));
  }

  private ensure(release: number, replicas: number, now: number): void {
    let r = this.revisions.get(release);
    if (!r) {
      r = { release, createdAt: now, readyAt: [] };
      this.revisions.set(release, r);
    }
    const after = this.scripts.get(release)?.readyAfterMs ?? 1000;
    while (r.readyAt.length < replicas) r.readyAt.push(now + after);
    // Scale down the youngest instances first (the ones least likely to be ready).
    r.readyAt.sort((a, b) => a - b);
    r.readyAt.length = replicas;
  }

  private revision(r: Revision, now: number): RevisionObservation {
    const s = this.scripts.get(r.release);
    const failed = s?.failAfterMs !== undefined && now >= r.createdAt + s.failAfterMs;
    const ready = failed || s?.neverReady ? 0 : r.readyAt.filter((t) => t <= now).length;
    const obs: RevisionObservation = { release: r.release, desired: r.readyAt.length, ready };
    if (failed) obs.failed = s?.failReason ?? 'crash loop';
    return obs;
  }
}
