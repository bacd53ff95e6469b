/**
 * How many pods a canary candidate runs on Kubernetes. The core asks for `ceil(capacity × weight /
 * 100)` (`canaryReplicas`), where capacity is `spec.replicas` or stable's current replicas when an
 * HPA scaled it up (`capacityOf`): behind a Gateway that is the routed share. Without a Gateway the
 * shared Service spreads requests over every ready pod, so the weight *is* the candidate's share
 * of the pods, `candidate / (candidate + stable)`, and the target corrects for that (never below
 * what the core asked for).
 */
import { canaryReplicas } from '../../../core/capacity.ts';

/**
 * Candidate pods for `weight` % when the HTTPRoute splits by weight: `ceil(stable × weight / 100)`,
 * at least 1 while the weight is above 0, `stable` at 100 %.
 *
 * - stable 5, weight 50 → 3; stable 5, weight 20 → 1; stable 8, weight 25 → 2
 */
export function routedShare(stable: number, weight: number): number {
  if (weight <= 0) return 0;
  if (weight >= 100) return stable;
  return Math.max(1, Math.ceil((stable * weight) / 100));
}

/**
 * Candidate pods for `weight` % of the requests when the Service balances over pods (no Gateway):
 * the `c` that makes `c / (c + stable)` equal the weight, `stable × weight / (100 − weight)`,
 * rounded to the nearest whole pod (halves up), at least 1 while the weight is above 0; `stable`
 * at 100 %. The share a rounded count gives is `c / (c + stable)`.
 *
 * - stable 3, weight 25 → 1 (25 %); stable 3, weight 50 → 3 (50 %); stable 2, weight 25 → 1 (33 %)
 * - stable 4, weight 10 → 1 (20 %: the smallest canary is one pod); stable 9, weight 30 → 4 (31 %)
 */
export function ratioShare(stable: number, weight: number): number {
  if (weight <= 0) return 0;
  if (weight >= 100) return stable;
  return Math.max(1, Math.round((stable * weight) / (100 - weight)));
}

/**
 * The weight an `ensure-revision` of `replicas` candidate pods prepares for (`specReplicas`: the
 * capacity the core sized from). The core grows the
 * candidate *before* moving traffic, so the action comes while the cluster still shows the previous
 * weight (`current`); the next canary step is the smallest step weight above it whose core count is
 * `replicas`. A count of `specReplicas` or more with no such step is the promotion (100 %). A shrink
 * comes after its traffic change, so `current` is then the step's own weight. Anything else (an
 * operator's manual action, steps the core did not produce) keeps the current weight.
 *
 * - steps 20, 50; specReplicas 4; replicas 1, current 0 → 20; replicas 2, current 20 → 50
 * - steps 20, 50; specReplicas 4; replicas 4, current 50 → 100
 */
export function upcomingWeight(
  steps: readonly number[],
  specReplicas: number,
  replicas: number,
  current: number,
): number {
  const matching = steps.filter((w) => w > 0 && w < 100 && canaryReplicas(specReplicas, w) === replicas);
  const next = matching.filter((w) => w > current).sort((a, b) => a - b)[0];
  if (next !== undefined) return next;
  if (replicas >= specReplicas) return 100;
  return current;
}
