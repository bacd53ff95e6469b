/**
 * Where the traffic split lives, per strategy, and how it is read back (the cluster is the source
 * of truth: weights are read on every observe, never remembered):
 * - `gateway` (canary with `kubernetes.gateway`): the HTTPRoute `<service>` `backendRefs` weights;
 * - `selector` (blue-green): the stable Service `<service>` selects one release, which gets 100;
 * - `replicas` (canary without a Gateway, rolling): the shared Service selects every pod, so traffic
 *   follows ready pods; the split last asked for is kept in an annotation on the stable Service.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { ResolvedConfig } from '../../../config/index.ts';
import type { ReleaseSpec } from '../../../core/spec.ts';
import { type KubeObject, LABEL, type Owner, revisionName, revisionSelector } from '../objects.ts';

export type TrafficMode = 'gateway' | 'selector' | 'replicas';

export const WEIGHTS_ANNOTATION = 'slipway.dev/weights';

export function trafficMode(config: ResolvedConfig): TrafficMode {
  if (config.strategy['blue-green']) return 'selector';
  if (config.strategy.canary && config.kubernetes.gateway) return 'gateway';
  return 'replicas';
}

interface RouteLike extends KubernetesObject {
  spec?: { rules?: { backendRefs?: { name?: string; weight?: number }[] }[] };
}
interface ServiceLike extends KubernetesObject {
  spec?: { selector?: Record<string, string> };
}

/** HTTPRoute backends `<service>-r<N>` → `{ N: weight }` (a missing weight is Gateway API's default 1). */
export function weightsFromRoute(route: RouteLike | undefined, service: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const ref of route?.spec?.rules?.[0]?.backendRefs ?? []) {
    const match = /^(.*)-r(\d+)$/.exec(ref.name ?? '');
    if (!match || match[1] !== service) continue;
    if (revisionName(service, Number(match[2])) !== ref.name) continue;
    out[match[2] as string] = ref.weight ?? 1;
  }
  return out;
}

/** The release a blue-green stable Service selects → `{ N: 100 }`. */
export function weightsFromSelector(svc: ServiceLike | undefined): Record<string, number> {
  const release = svc?.spec?.selector?.[LABEL.release];
  return release ? { [release]: 100 } : {};
}

/**
 * The split last asked for (annotation), else the one release the Service is pinned to, else the
 * ready-pod ratio.
 */
export function weightsFromReplicas(
  svc: ServiceLike | undefined,
  ready: { release: number; ready: number }[],
): Record<string, number> {
  const noted = svc?.metadata?.annotations?.[WEIGHTS_ANNOTATION];
  if (noted) {
    try {
      return JSON.parse(noted) as Record<string, number>;
    } catch {
      // fall through: an edited annotation is ignored, the Service and pods tell the truth
    }
  }
  const pinned = weightsFromSelector(svc);
  if (Object.keys(pinned).length > 0) return pinned;
  const total = ready.reduce((s, r) => s + r.ready, 0);
  if (total === 0) return {};
  const out: Record<string, number> = {};
  let given = 0;
  ready.forEach((r, i) => {
    const w = i === ready.length - 1 ? 100 - given : Math.round((100 * r.ready) / total);
    given += w;
    if (r.ready > 0 || w > 0) out[String(r.release)] = w;
  });
  return out;
}

/** The release serving most traffic (lowest on a tie), or undefined when nothing serves. */
export function heaviest(weights: Record<string, number>): number | undefined {
  let best: number | undefined;
  for (const [k, w] of Object.entries(weights)) {
    const n = Number(k);
    if (w <= 0) continue;
    if (best === undefined || w > (weights[String(best)] ?? 0) || (w === weights[String(best)] && n < best))
      best = n;
  }
  return best;
}

/**
 * The release the HPA and the stable Service follow: while a candidate shares traffic with an older
 * release, that older release (the heaviest of the others) stays stable even past 50 %, so the HPA
 * keeps scaling what it scaled when the canary began; the candidate becomes stable once it serves
 * alone. Without a candidate, the heaviest release.
 *
 * - `{ 1: 40, 2: 60 }`, candidate 2 → 1; `{ 1: 0, 2: 100 }`, candidate 2 → 2; `{ 1: 100 }` → 1
 */
export function stableOf(weights: Record<string, number>, candidate?: number): number | undefined {
  if (candidate === undefined) return heaviest(weights);
  const others = Object.fromEntries(Object.entries(weights).filter(([k]) => k !== String(candidate)));
  return heaviest(others) ?? heaviest(weights);
}

/** The revision an operation brings in (a rollback to N re-runs N's revision). */
export const candidateOf = (spec: ReleaseSpec): number => spec.revision ?? spec.release;

/**
 * Without a Gateway the shared Service carries the split: every apply of it states the split in
 * the `slipway.dev/weights` annotation (server-side apply drops an annotation a later apply of the
 * same manager leaves out). A canary's Service selects every pod only while more than one release
 * has weight; when one release serves alone (before the first step, after a rollback's
 * `{ stable: 100, candidate: 0 }`, after promotion) it selects that release only, so moving traffic
 * away is one selector change, immediately, and the drain before the scale-down means something.
 * A candidate's pods also get no traffic before its first `set-traffic`. Edits `objects` in place.
 */
export function noteSplit(
  objects: KubeObject[],
  owner: Owner,
  weights: Record<string, number>,
  canary: boolean,
): void {
  const shared = objects.find((o) => o.kind === 'Service' && o.metadata.name === owner.service);
  if (!shared || Object.keys(weights).length === 0) return;
  shared.metadata.annotations = {
    ...shared.metadata.annotations,
    [WEIGHTS_ANNOTATION]: JSON.stringify(weights),
  };
  const serving = Object.keys(weights).filter((k) => (weights[k] ?? 0) > 0);
  const spec = shared.spec as { selector?: Record<string, string> };
  if (canary && serving.length === 1) spec.selector = revisionSelector(owner, Number(serving[0]));
}
