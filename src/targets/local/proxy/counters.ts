/**
 * Per-revision counters in shared memory. Each proxy thread writes only its own region (one writer, no
 * locks, no messages on the request path); the owner sums the regions when asked. Slots are assigned to
 * revision ids by the owner and published with the route table.
 */

/** Upper bounds of the latency histogram, in milliseconds (plus an implicit +Inf bucket). */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

const F = {
  requests: 0,
  errors: 1,
  slow: 2,
  s2xx: 3,
  s3xx: 4,
  s4xx: 5,
  s5xx: 6,
  retried: 7,
  inFlight: 8,
  latencySumMs: 9,
  latencyCount: 10,
  pinned: 11,
  clientErrors: 12,
  bucket0: 13,
} as const;
const FIELDS = F.bucket0 + LATENCY_BUCKETS_MS.length + 1;

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx';

export interface LatencyHistogram {
  /** Cumulative counts: requests that took at most `le` milliseconds (`Infinity` for the last). */
  buckets: { le: number; count: number }[];
  sumMs: number;
  count: number;
}

export interface RevisionCounters {
  /** Requests answered by (or attempted on) this revision, including attempts later retried elsewhere. */
  requests: number;
  /** 5xx answers, connection failures and upstream timeouts. */
  errors: number;
  /** Requests slower than `latencyBoundMs`. */
  slow: number;
  status: Record<StatusClass, number>;
  /** This revision's failed attempts that were retried on stable (the user was shielded from them). */
  retried: number;
  /** Requests and WebSocket tunnels still open on this revision. */
  inFlight: number;
  /** Requests pinned to this revision by a signed pin: served, but never evidence (not in the fields above). */
  pinned: number;
  /** Requests the upstream client library refused as malformed (answered 400): evidence against nobody. */
  clientErrors: number;
  latency: LatencyHistogram;
}

/** One outcome of one attempt on one revision. */
export interface Outcome {
  /** HTTP status given (by the upstream or by the proxy on its behalf), 0 when none was. */
  status: number;
  error: boolean;
  latencyMs: number;
  retried: boolean;
  /**
   * What `overdue` already counted while the attempt was in flight: `slow` (a request, slow) or
   * `failed` (a request, slow and an error). Those are not counted again.
   */
  counted?: Overdue;
  /** Not evidence: `pinned` (a signed pin chose the revision) or `client` (the request was malformed). */
  excluded?: 'pinned' | 'client';
}

/** How an in-flight attempt has been counted before it ended. */
export type Overdue = 'slow' | 'failed';

export function countersBytes(threads: number, slots: number): number {
  return threads * slots * FIELDS * Float64Array.BYTES_PER_ELEMENT;
}

/** The writer side, owned by one proxy thread. */
export class CounterWriter {
  readonly #cells: Float64Array;
  readonly #base: number;
  readonly #latencyBoundMs: number;

  constructor(buffer: SharedArrayBuffer, thread: number, slots: number, latencyBoundMs: number) {
    this.#cells = new Float64Array(buffer);
    this.#base = thread * slots * FIELDS;
    this.#latencyBoundMs = latencyBoundMs;
  }

  /** A thread that replaces a dead one forgets the requests that died with it. */
  forgetInFlight(slots: number): void {
    for (let slot = 0; slot < slots; slot++) this.#cells[this.#base + slot * FIELDS + F.inFlight] = 0;
  }

  started(slot: number): void {
    this.#cells[this.#base + slot * FIELDS + F.inFlight]! += 1;
  }

  /**
   * An attempt still in flight has crossed the latency bound (`slow`) or been given up on (`failed`):
   * it is evidence now, not when it ends. `from` is what was counted for it before (nothing, or `slow`).
   */
  overdue(slot: number, to: Overdue, from: Overdue | undefined): void {
    const c = this.#cells;
    const at = this.#base + slot * FIELDS;
    if (from === undefined) {
      c[at + F.requests]! += 1;
      c[at + F.slow]! += 1;
    }
    if (to === 'failed' && from !== 'failed') c[at + F.errors]! += 1;
  }

  finished(slot: number, outcome: Outcome): void {
    const c = this.#cells;
    const at = this.#base + slot * FIELDS;
    c[at + F.inFlight]! -= 1;
    if (outcome.excluded !== undefined) {
      c[at + (outcome.excluded === 'pinned' ? F.pinned : F.clientErrors)]! += 1;
      return;
    }
    const counted = outcome.counted;
    if (counted === undefined) c[at + F.requests]! += 1;
    if (outcome.error && counted !== 'failed') c[at + F.errors]! += 1;
    if (outcome.retried) c[at + F.retried]! += 1;
    const s = outcome.status;
    if (s >= 200 && s < 600) c[at + F.s2xx + Math.floor(s / 100) - 2]! += 1;
    const ms = outcome.latencyMs;
    if (counted === undefined && this.#latencyBoundMs > 0 && ms > this.#latencyBoundMs) c[at + F.slow]! += 1;
    c[at + F.latencySumMs]! += ms;
    c[at + F.latencyCount]! += 1;
    let b = 0;
    while (b < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[b]!) b++;
    c[at + F.bucket0 + b]! += 1;
  }
}

/** The reader side: sums every thread's region. */
export class CounterReader {
  readonly #cells: Float64Array;
  readonly #threads: number;
  readonly #slots: number;

  constructor(buffer: SharedArrayBuffer, threads: number, slots: number) {
    this.#cells = new Float64Array(buffer);
    this.#threads = threads;
    this.#slots = slots;
  }

  #sum(slot: number, field: number): number {
    let total = 0;
    for (let t = 0; t < this.#threads; t++) total += this.#cells[(t * this.#slots + slot) * FIELDS + field]!;
    return total;
  }

  inFlight(slot: number): number {
    return this.#sum(slot, F.inFlight);
  }

  /** Zeroes a slot before it is given to another revision. */
  reset(slot: number): void {
    for (let t = 0; t < this.#threads; t++) {
      const at = (t * this.#slots + slot) * FIELDS;
      this.#cells.fill(0, at, at + FIELDS);
    }
  }

  read(slot: number): RevisionCounters {
    let cumulative = 0;
    const buckets = [...LATENCY_BUCKETS_MS, Number.POSITIVE_INFINITY].map((le, i) => {
      cumulative += this.#sum(slot, F.bucket0 + i);
      return { le, count: cumulative };
    });
    return {
      requests: this.#sum(slot, F.requests),
      errors: this.#sum(slot, F.errors),
      slow: this.#sum(slot, F.slow),
      status: {
        '2xx': this.#sum(slot, F.s2xx),
        '3xx': this.#sum(slot, F.s3xx),
        '4xx': this.#sum(slot, F.s4xx),
        '5xx': this.#sum(slot, F.s5xx),
      },
      retried: this.#sum(slot, F.retried),
      inFlight: this.#sum(slot, F.inFlight),
      pinned: this.#sum(slot, F.pinned),
      clientErrors: this.#sum(slot, F.clientErrors),
      latency: { buckets, sumMs: this.#sum(slot, F.latencySumMs), count: this.#sum(slot, F.latencyCount) },
    };
  }
}
