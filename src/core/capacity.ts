/**
 * Replica and weight arithmetic, kept pure and apart from the strategies (as Argo Rollouts keeps
 * `utils/replicaset/canary.go`). Revision ids in weight maps are release numbers written as strings.
 */

/** Traffic split: revision id (release number as string) → percent. */
export type Weights = Record<string, number>;

/**
 * Instances the canary needs to carry `weight` percent of the traffic of a service that needs
 * `replicas` instances: `ceil(replicas × weight / 100)`, at least 1 while weight > 0, never more
 * than `replicas`.
 *
 * Worked examples:
 * - replicas 4, weight 10  → ceil(0.4)  = 1
 * - replicas 4, weight 25  → ceil(1.0)  = 1
 * - replicas 4, weight 30  → ceil(1.2)  = 2
 * - replicas 10, weight 33 → ceil(3.3)  = 4
 * - replicas 3, weight 1   → ceil(0.03) = 1 (a canary with any traffic has an instance)
 * - replicas 5, weight 0   → 0 (no traffic, no instances)
 * - replicas 5, weight 100 → 5
 */
export function canaryReplicas(replicas: number, weight: number): number {
  if (weight <= 0) return 0;
  return Math.min(replicas, Math.max(1, Math.ceil((replicas * weight) / 100)));
}

/**
 * The split that sends `candidateWeight` percent to the candidate and the rest to stable. Both
 * revisions are always named, so a 0 written here is an explicit "no traffic" and the two weights
 * sum to 100. Without a stable revision (a first deploy) the candidate takes everything.
 *
 * - stable 3, candidate 4, weight 20 → { "3": 80, "4": 20 }
 * - stable 3, candidate 4, weight 0  → { "3": 100, "4": 0 } (abort: one action, stable takes all)
 * - no stable, candidate 1, weight 5 → { "1": 100 }
 */
export function splitWeights(
  stable: number | undefined,
  candidate: number,
  candidateWeight: number,
): Weights {
  if (stable === undefined) return { [String(candidate)]: 100 };
  const w = clampWeight(candidateWeight);
  return { [String(stable)]: 100 - w, [String(candidate)]: w };
}

/**
 * Weights proportional to ready instances, for a rolling update where traffic follows capacity.
 * A revision with ready instances gets at least 1%, a revision with none gets 0%; the weights sum
 * to 100 whenever any instance is ready. With nothing ready, stable keeps everything (there is no
 * better place to send users).
 *
 * - stable 3 ready, candidate 1 ready → { stable: 75, candidate: 25 }
 * - stable 2 ready, candidate 1 ready → { stable: 67, candidate: 33 }
 * - stable 199 ready, candidate 1 ready → { stable: 99, candidate: 1 }
 * - stable 0 ready, candidate 3 ready → { stable: 0, candidate: 100 }
 */
export function proportionalWeights(
  stable: number,
  stableReady: number,
  candidate: number,
  candidateReady: number,
): Weights {
  const total = stableReady + candidateReady;
  if (candidateReady <= 0 || total <= 0) return splitWeights(stable, candidate, 0);
  if (stableReady <= 0) return splitWeights(stable, candidate, 100);
  const w = Math.min(99, Math.max(1, Math.round((100 * candidateReady) / total)));
  return splitWeights(stable, candidate, w);
}

/** Same routing: a revision missing from one map counts as 0 there. */
export function sameWeights(a: Weights, b: Weights): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/** Sum of a weight map (100 whenever any revision serves). */
export function totalWeight(w: Weights): number {
  return Object.values(w).reduce((s, x) => s + x, 0);
}

export interface RollingTargets {
  candidate: number;
  stable: number;
}

/**
 * One reconcile of a rolling update (the Kubernetes Deployment rule): stable may shrink as long as
 * `replicas - maxUnavailable` instances stay ready, the candidate may grow as long as the total
 * asked for stays within `replicas + maxSurge`. `maxUnavailable` is capped at `replicas - 1` so
 * something is always ready to serve, and a roll with no surge and no unavailability uses a surge
 * of 1 (otherwise it could never move).
 *
 * Worked examples (replicas, surge, unavailable; current targets; ready candidates → next targets):
 * - 3, 1, 0; cand 0 stable 3; ready 0 → cand 1 stable 3   (surge one new instance)
 * - 3, 1, 0; cand 1 stable 3; ready 1 → cand 2 stable 2   (one new is ready: drop one old, add one)
 * - 3, 1, 0; cand 3 stable 1; ready 3 → cand 3 stable 0   (done rolling)
 * - 4, 1, 1; cand 0 stable 4; ready 0 → cand 2 stable 3   (drop one old at once, surge one)
 * - 1, 0, 1; cand 0 stable 1; ready 0 → cand 1 stable 1   (unavailability capped: never go dark)
 */
export function rollingStep(
  replicas: number,
  maxSurge: number,
  maxUnavailable: number,
  current: RollingTargets,
  candidateReady: number,
): RollingTargets {
  const unavailable = Math.max(0, Math.min(maxUnavailable, replicas - 1));
  const surge = maxSurge + unavailable <= 0 ? 1 : Math.max(0, maxSurge);
  const readyNew = Math.min(candidateReady, current.candidate);
  const stable = Math.max(0, Math.min(current.stable, replicas - unavailable - readyNew));
  const candidate = Math.max(current.candidate, Math.min(replicas, replicas + surge - stable));
  return { candidate, stable };
}

function clampWeight(w: number): number {
  return Math.min(100, Math.max(0, Math.round(w)));
}
