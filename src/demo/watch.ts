/**
 * Watches the proxy's per-revision counters every 100 ms and remembers, per revision, how many of
 * its attempts failed, how many of those the proxy retried on stable, and when the first failure
 * was seen. Counters of a retired revision disappear, so the highest values seen are kept.
 */
import type { RevisionSample } from '../targets/samples.ts';

export interface CandidateCounts {
  errors: number;
  retried: number;
  /**
   * The poll before the first one that saw an error (ms since epoch): the first failure happened
   * after it, so a time measured from here over-states the time to rollback by at most one period.
   */
  firstErrorAt?: number;
}

export class CandidateWatch {
  readonly #sample: () => Promise<Record<string, RevisionSample> | undefined>;
  readonly #seen = new Map<string, CandidateCounts>();
  readonly #timer: NodeJS.Timeout;
  #lastPollAt = Date.now();
  #busy = false;

  constructor(sample: () => Promise<Record<string, RevisionSample> | undefined>, periodMs = 100) {
    this.#sample = sample;
    this.#timer = setInterval(() => void this.poll(), periodMs);
    this.#timer.unref();
  }

  async poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const data = await this.#sample().catch(() => undefined);
      const previous = this.#lastPollAt;
      this.#lastPollAt = Date.now();
      for (const [rev, s] of Object.entries(data ?? {})) {
        const seen = this.#seen.get(rev) ?? { errors: 0, retried: 0 };
        if (s.errors > 0 && seen.firstErrorAt === undefined) seen.firstErrorAt = previous;
        seen.errors = Math.max(seen.errors, s.errors);
        seen.retried = Math.max(seen.retried, s.retried);
        this.#seen.set(rev, seen);
      }
    } finally {
      this.#busy = false;
    }
  }

  /** One more look, then the counts of `release`. */
  async settle(release: number): Promise<CandidateCounts> {
    await this.poll();
    return { errors: 0, retried: 0, ...this.#seen.get(String(release)) };
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
