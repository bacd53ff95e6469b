/**
 * The read-only view of a release that every rule decides from — the spec, what the target and the
 * engine observed, the time, and who is candidate and stable — with the questions strategies ask of
 * it and the effects they build from it. Everything here reads; nothing writes: effects are emitted
 * only when the world differs from what is wanted, so deciding again from the same view is harmless.
 */
import { sameWeights, type Weights } from './capacity.ts';
import type { ReleaseSpec } from './spec.ts';
import type { Action, Effect, LedgerEvent, LedgerEventKind, Observed } from './types.ts';

export interface ReleaseView {
  readonly spec: ReleaseSpec;
  readonly observed: Readonly<Observed>;
  readonly now: number;
  /** Revision id of the candidate (`spec.revision ?? spec.release`). */
  readonly candidate: number;
  /** Revision serving users before this operation; undefined for a first release. */
  readonly stable: number | undefined;
}

export function viewOf(spec: ReleaseSpec, observed: Observed, now: number): ReleaseView {
  const candidate = spec.revision ?? spec.release;
  const stable = observed.stable === candidate ? undefined : observed.stable;
  return Object.freeze({ spec, observed, now, candidate, stable });
}

export function readyOf(view: ReleaseView, release: number | undefined): number {
  if (release === undefined) return 0;
  return view.observed.revisions.find((r) => r.release === release)?.ready ?? 0;
}

export function desiredOf(view: ReleaseView, release: number | undefined): number | undefined {
  if (release === undefined) return undefined;
  return view.observed.revisions.find((r) => r.release === release)?.desired;
}

export function weightOf(view: ReleaseView, release: number): number {
  return view.observed.weights[String(release)] ?? 0;
}

/** The candidate takes user traffic now. */
export function serving(view: ReleaseView): boolean {
  return weightOf(view, view.candidate) > 0;
}

/**
 * The capacity the candidate is sized from: `replicas`, or more when stable runs more now (an
 * autoscaler scaled it up), so that taking over stable's share never means fewer instances.
 */
export function capacityOf(view: ReleaseView): number {
  return Math.max(view.spec.replicas, desiredOf(view, view.stable) ?? 0);
}

/** `ensure-revision` only when the target runs a different number of instances. */
export function ensure(view: ReleaseView, release: number, replicas: number): Action[] {
  return desiredOf(view, release) === replicas ? [] : [{ kind: 'ensure-revision', release, replicas }];
}

export function retire(view: ReleaseView, release: number): Action {
  return { kind: 'retire-revision', release, drainMs: view.spec.drainMs };
}

export function record(
  view: ReleaseView,
  kind: LedgerEventKind,
  reason: string,
  extra: Partial<LedgerEvent> = {},
): Effect {
  return { kind: 'record', event: { kind, release: view.spec.release, at: view.now, reason, ...extra } };
}

/**
 * `set-traffic` plus its ledger line, only when the routing would change. The operation's stable
 * (the candidate on a first release) stays the stable revision.
 */
export function route(view: ReleaseView, weights: Weights, reason: string): Effect[] {
  return routeTo(view, weights, reason, view.stable ?? view.candidate);
}

/** `route` naming the stable revision from now on (undefined: nothing serves). */
export function routeTo(
  view: ReleaseView,
  weights: Weights,
  reason: string,
  stable: number | undefined,
): Effect[] {
  if (sameWeights(weights, view.observed.weights)) return [];
  return [trafficAction(weights, stable), record(view, 'traffic', reason, { weights })];
}

/**
 * The promotion's switch: the whole split to the candidate, which becomes the stable revision. Sent
 * even when the weights already are that (a blue-green after its scale-down delay), since the
 * target learns from it that the candidate is now stable; the ledger line only when weights move.
 */
export function promoteRoute(view: ReleaseView, weights: Weights, reason: string): Effect[] {
  const moved = !sameWeights(weights, view.observed.weights);
  return [
    trafficAction(weights, view.candidate),
    ...(moved ? [record(view, 'traffic', reason, { weights })] : []),
  ];
}

function trafficAction(weights: Weights, stable: number | undefined): Action {
  return { kind: 'set-traffic', weights, ...(stable === undefined ? {} : { stable }) };
}
