/**
 * When to start a dead daemon again. The first death after a healthy run is restarted at once:
 * users' routing does not depend on the daemon, but the CLI watching a release does, and a daemon
 * killed by accident should be back before anyone notices. A daemon that keeps dying soon after
 * starting is restarted with a doubling delay (200 ms up to 5 s), so a crash loop costs little CPU
 * and the log shows it; it is never given up on (the proxies stay up either way).
 */
export interface RestartPolicyOptions {
  /** A run at least this long counts as healthy and resets the backoff. Default 10 s. */
  healthyAfterMs?: number;
  /** Default 200 ms. */
  initialMs?: number;
  /** Default 5 s. */
  maxMs?: number;
}

export class RestartPolicy {
  readonly #healthyAfterMs: number;
  readonly #initialMs: number;
  readonly #maxMs: number;
  #startedAt = 0;
  #quickDeaths = 0;

  constructor(opts: RestartPolicyOptions = {}) {
    this.#healthyAfterMs = opts.healthyAfterMs ?? 10_000;
    this.#initialMs = opts.initialMs ?? 200;
    this.#maxMs = opts.maxMs ?? 5000;
  }

  started(now: number): void {
    this.#startedAt = now;
  }

  /** The delay before the next start, given that the daemon just died at `now`. */
  nextDelay(now: number): number {
    if (now - this.#startedAt >= this.#healthyAfterMs) this.#quickDeaths = 0;
    const n = this.#quickDeaths++;
    return n === 0 ? 0 : Math.min(this.#initialMs * 2 ** (n - 1), this.#maxMs);
  }
}
