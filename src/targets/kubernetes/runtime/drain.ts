/**
 * The wait between moving traffic off a revision and scaling it down. A new HTTPRoute weight or
 * Service selector is stored at once, but gateways and kube-proxy pick it up a moment later and
 * requests already in flight still finish on the old pods; scaling down at the same instant would
 * cut those. So a retired revision keeps its pods for the release's `drainMs` (on Kubernetes
 * `kubernetes.terminationGracePeriod`, see `toReleaseSpec`) counted from the traffic switch — the
 * role of Argo Rollouts' `scaleDownDelaySeconds` / `abortScaleDownDelaySeconds`. Kubernetes' own
 * per-pod drain (endpoint removal, SIGTERM, the grace period) still follows the scale-down.
 *
 * The switch itself is never delayed: a rollback's `set-traffic` is one apply, immediately; only
 * the later `retire-revision` waits.
 */

/** When traffic last left each release, as seen by this process. */
export class DrainClock {
  readonly #leftAt = new Map<number, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Call right after a split was applied: releases that served before and serve no more are noted. */
  switched(before: Record<string, number>, after: Record<string, number>): void {
    const at = this.#now();
    for (const [release, weight] of Object.entries(before)) {
      if (weight > 0 && (after[release] ?? 0) <= 0) this.#leftAt.set(Number(release), at);
    }
    for (const [release, weight] of Object.entries(after)) {
      if (weight > 0) this.#leftAt.delete(Number(release));
    }
  }

  /** Call when the switch away from `release` happens now (e.g. retire dropped its last weight). */
  leftNow(release: number): void {
    this.#leftAt.set(release, this.#now());
  }

  /**
   * Milliseconds still to wait before `release` may be scaled down. Without a switch seen by this
   * process (another run moved the traffic, or a resumed run) the whole drain is waited: there is no
   * way to know how recent the switch was.
   */
  remaining(release: number, drainMs: number): number {
    const left = this.#leftAt.get(release);
    if (left === undefined) return drainMs;
    return Math.max(0, left + drainMs - this.#now());
  }

  forget(release: number): void {
    this.#leftAt.delete(release);
  }
}

/**
 * Sleeps `ms`, calling `keepAlive` at least every `everyMs` meanwhile: a drain as long as the lock's
 * time-to-live must not let the environment's Lease expire under a running engine.
 */
export async function sleepKeepingAlive(
  ms: number,
  everyMs: number,
  keepAlive: () => Promise<void>,
): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const left = until - Date.now();
    if (left <= 0) return;
    const slice = Math.min(left, Math.max(100, everyMs));
    await new Promise((resolve) => setTimeout(resolve, slice));
    if (until - Date.now() > 0) await keepAlive();
  }
}
