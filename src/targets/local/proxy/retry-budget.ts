/**
 * Bounds retries to a share of recent requests (as Linkerd's and Envoy's retry budgets do), so that a
 * candidate failing everything cannot double the load on stable. The window slides in one-second steps.
 */
export interface RetryBudgetOptions {
  /** Retries may be at most this percent of the requests seen in the window. */
  budgetPercent: number;
  /** Retries always allowed per second of window on top of the percent, so a quiet service is shielded too. Default 1. */
  minPerSecond?: number;
  /** Default 10 000 ms. */
  windowMs?: number;
  /** Injected clock (ms), default `Date.now`. */
  now?: () => number;
}

const STEP_MS = 1000;

export class RetryBudget {
  readonly #ratio: number;
  readonly #floor: number;
  readonly #steps: number;
  readonly #requests: number[];
  readonly #retries: number[];
  readonly #now: () => number;
  #step = 0;
  #requestTotal = 0;
  #retryTotal = 0;

  constructor(options: RetryBudgetOptions) {
    if (!(options.budgetPercent >= 0 && options.budgetPercent <= 100)) {
      throw new Error(`retry.budgetPercent is ${options.budgetPercent}: use a percent from 0 to 100`);
    }
    this.#ratio = options.budgetPercent / 100;
    this.#steps = Math.max(1, Math.round((options.windowMs ?? 10_000) / STEP_MS));
    this.#floor = (options.minPerSecond ?? 1) * this.#steps;
    this.#requests = new Array(this.#steps).fill(0);
    this.#retries = new Array(this.#steps).fill(0);
    this.#now = options.now ?? Date.now;
    this.#step = Math.floor(this.#now() / STEP_MS);
  }

  #advance(): number {
    const step = Math.floor(this.#now() / STEP_MS);
    const behind = Math.min(step - this.#step, this.#steps);
    for (let i = 1; i <= behind; i++) {
      const at = (this.#step + i) % this.#steps;
      this.#requestTotal -= this.#requests[at]!;
      this.#retryTotal -= this.#retries[at]!;
      this.#requests[at] = 0;
      this.#retries[at] = 0;
    }
    if (step > this.#step) this.#step = step;
    return this.#step % this.#steps;
  }

  /** Counts one user request. */
  request(): void {
    const at = this.#advance();
    this.#requests[at]! += 1;
    this.#requestTotal += 1;
  }

  /** Takes one retry from the budget if there is room; false when exhausted. */
  tryRetry(): boolean {
    const at = this.#advance();
    if (this.#retryTotal + 1 > this.#ratio * this.#requestTotal + this.#floor) return false;
    this.#retries[at]! += 1;
    this.#retryTotal += 1;
    return true;
  }
}
