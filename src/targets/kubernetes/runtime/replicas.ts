/**
 * How many pods a canary candidate runs on Kubernetes. The core asks for `ceil(capacity × weight /
 * 100)` (`canaryReplicas`), where capacity is `spec.replicas` or stable's current replicas when an
 * HPA scaled it up (`capacityOf`): behind a Gateway that is the routed share. Without a Gateway the
 * shared Service spreads requests over every ready pod, so the weight *is* the candidate's share
 * of the pods, `candidate / (candidate + stable)`, and the target corrects for that (never below
 * what the core asked for).
 */
import { canaryReplicas } from '../../../core/capacity.ts';
import type { ReleaseSpec } from '../../../core/spec.ts';
import type { LiveRevision } from './live.ts';
import { candidateOf, stableOf, type TrafficMode } from './traffic.ts';

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

/** What `replicasFor` sizes: the core's ask for `release`, and what the cluster runs now. */
export interface ReplicaAsk {
  release: number;
  /** What the core asked for. */
  replicas: number;
  spec: ReleaseSpec;
  live: LiveRevision[];
  weights: Record<string, number>;
  /** The split about to be applied; without it the weight is inferred from the steps. */
  weight?: number;
  /** The environment has an HPA. */
  autoscaled: boolean;
  mode: TrafficMode;
}

/**
 * The replicas a revision really runs, from what the core asked for (never fewer):
 * - stable, with an HPA: never below what the HPA chose (the HPA scales it during a canary);
 * - a blue-green candidate, with an HPA: stable's current replicas, so the switch keeps capacity;
 * - a canary candidate behind a Gateway: the core's count (it sizes from stable's current replicas),
 *   or more for a known split about to be applied;
 * - a canary candidate without a Gateway: its pod ratio beside stable's current replicas.
 */
export function replicasFor(ask: ReplicaAsk): number {
  const { release, replicas, spec, live, weights, weight, autoscaled, mode } = ask;
  const stable = stableOf(weights, candidateOf(spec));
  const stableLive = live.find((r) => r.release === stable);
  if (release === stable) return autoscaled ? Math.max(replicas, stableLive?.replicas ?? 0) : replicas;
  if (!stableLive || replicas === 0) return replicas;
  const strategy = spec.strategy;
  if (strategy.kind === 'blue-green') return autoscaled ? Math.max(replicas, stableLive.replicas) : replicas;
  if (strategy.kind !== 'canary' || (!autoscaled && mode !== 'replicas')) return replicas;
  // The core sizes a canary from stable's current replicas (capacityOf): behind a Gateway its count
  // is already the routed share; only a known split about to be applied can ask for more.
  if (mode !== 'replicas' && weight === undefined) return replicas;
  const steps = strategy.steps.flatMap((s) => (s.kind === 'weight' ? [s.weight] : []));
  const capacity = Math.max(spec.replicas, stableLive.replicas);
  const w = weight ?? upcomingWeight(steps, capacity, replicas, weights[String(release)] ?? 0);
  const share = mode === 'replicas' ? ratioShare : routedShare;
  return Math.max(replicas, share(stableLive.replicas, w));
}
