/**
 * A bounded background load on 127.0.0.1: mixed GET / and PUT /echo at a fixed rate through one
 * undici pool (keep-alive, like real clients). Every answer that is not 2xx, every connection error
 * and every timeout counts as an error a user saw. It stops by itself after `maxDurationMs`.
 */
import { Pool } from 'undici';

export interface LoadOptions {
  /** e.g. `http://127.0.0.1:8700` */
  origin: string;
  /** Requests per second (bounded to 2,000). */
  rate: number;
  /** Share of requests that are PUT /echo (default 0.3). */
  putShare?: number;
  /** Safety bound: the load stops by itself after this long (default 120 s). */
  maxDurationMs?: number;
  /** A request not answered within this long counts as an error (default 5 s). */
  timeoutMs?: number;
  connections?: number;
}

export interface LoadCounts {
  sent: number;
  answered: number;
  ok: number;
  errors: number;
  getErrors: number;
  putErrors: number;
  /** Answers by the app's reported version (`GET /` returns it). */
  versions: Record<string, number>;
  /** The first few error descriptions, for the report. */
  samples: string[];
}

const MAX_RATE = 2000;

export class LoadGenerator {
  readonly #opts: Required<LoadOptions>;
  readonly #pool: Pool;
  #timer?: NodeJS.Timeout;
  #started = 0;
  #stopped?: Promise<void>;
  #inFlight = new Set<Promise<void>>();
  #counts: LoadCounts = {
    sent: 0,
    answered: 0,
    ok: 0,
    errors: 0,
    getErrors: 0,
    putErrors: 0,
    versions: {},
    samples: [],
  };

  constructor(opts: LoadOptions) {
    if (!(opts.rate > 0 && opts.rate <= MAX_RATE)) {
      throw new RangeError(`load rate must be in (0, ${MAX_RATE}] req/s, got ${opts.rate}`);
    }
    const url = new URL(opts.origin);
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      throw new RangeError(`the load generator only targets 127.0.0.1, got ${opts.origin}`);
    }
    this.#opts = {
      putShare: 0.3,
      maxDurationMs: 120_000,
      timeoutMs: 5000,
      connections: 32,
      ...opts,
    };
    this.#pool = new Pool(opts.origin, {
      connections: this.#opts.connections,
      headersTimeout: this.#opts.timeoutMs,
      bodyTimeout: this.#opts.timeoutMs,
    });
  }

  start(): void {
    this.#started = performance.now();
    this.#timer = setInterval(() => this.#tick(), 5);
  }

  /** Counts so far (a copy). */
  counts(): LoadCounts {
    return structuredClone(this.#counts);
  }

  /** Stops sending, waits for the requests in flight, closes the pool; returns the totals. */
  async stop(): Promise<LoadCounts> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopped ??= (async () => {
      await Promise.all([...this.#inFlight]);
      await this.#pool.close();
    })();
    await this.#stopped;
    return this.counts();
  }

  #tick(): void {
    const elapsed = performance.now() - this.#started;
    if (elapsed > this.#opts.maxDurationMs) {
      if (this.#timer) clearInterval(this.#timer);
      return;
    }
    const due = Math.floor((elapsed * this.#opts.rate) / 1000) - this.#counts.sent;
    for (let i = 0; i < due; i++) {
      const p = this.#one(this.#counts.sent++).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    }
  }

  async #one(n: number): Promise<void> {
    // Every 1/putShare-th request is a PUT, spread evenly rather than randomly, so runs compare.
    const isPut = Math.floor((n + 1) * this.#opts.putShare) > Math.floor(n * this.#opts.putShare);
    const method = isPut ? 'PUT' : 'GET';
    try {
      const res = await this.#pool.request(
        isPut
          ? {
              path: '/echo',
              method: 'PUT',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ n }),
            }
          : { path: '/', method: 'GET' },
      );
      const text = await res.body.text();
      this.#counts.answered++;
      if (res.statusCode >= 200 && res.statusCode < 300) {
        this.#counts.ok++;
        if (!isPut) {
          const version = (JSON.parse(text) as { version?: string }).version ?? '?';
          this.#counts.versions[version] = (this.#counts.versions[version] ?? 0) + 1;
        }
      } else this.#error(method, `${method} answered ${res.statusCode}: ${text.slice(0, 120)}`);
    } catch (err) {
      this.#error(method, `${method} failed: ${(err as Error).message}`);
    }
  }

  #error(method: string, description: string): void {
    this.#counts.errors++;
    if (method === 'PUT') this.#counts.putErrors++;
    else this.#counts.getErrors++;
    if (this.#counts.samples.length < 5) this.#counts.samples.push(description);
  }
}

/** The difference of two count snapshots (what happened between them). */
export function countsBetween(a: LoadCounts, b: LoadCounts): LoadCounts {
  const versions: Record<string, number> = {};
  for (const [v, n] of Object.entries(b.versions)) {
    const d = n - (a.versions[v] ?? 0);
    if (d > 0) versions[v] = d;
  }
  return {
    sent: b.sent - a.sent,
    answered: b.answered - a.answered,
    ok: b.ok - a.ok,
    errors: b.errors - a.errors,
    getErrors: b.getErrors - a.getErrors,
    putErrors: b.putErrors - a.putErrors,
    versions,
    samples: b.samples.slice(a.samples.length),
  };
}
