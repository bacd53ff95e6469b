/**
 * The local target's traffic-splitting proxy: one stable port per environment, weighted routing between
 * revisions, retries that shield users from a failing candidate, per-revision counters for analysis, and
 * atomic switches followed by a drain. See docs/proxy.md.
 */
import { type Clock, systemClock } from '../../../engine/clock.ts';
import { CounterReader, countersBytes, type RevisionCounters } from './counters.ts';
import { proxyRegistry } from './metrics.ts';
import { newPinKey, type PinPurpose, signPin } from './pins.ts';
import { compileTable, type RouteTable, validateRouteTable } from './routing.ts';
import { createRoutesBuffer, RoutesWriter } from './shared-routes.ts';
import type { ThreadOptions } from './thread.ts';
import { inCallerThread, inWorkerThread, type ThreadHandle } from './threads.ts';

export type { LatencyHistogram, RevisionCounters, StatusClass } from './counters.ts';
export { type Instance, type RouteTable, RouteTableError } from './routing.ts';

export interface ProxyOptions {
  host: string;
  /** 0 = an ephemeral port (read it back from `Proxy.port`). */
  port: number;
  retry: {
    /** Methods safe to send twice. Default GET, HEAD, OPTIONS. */
    methods: string[];
    /** Retries are at most this percent of the requests over the last 10 s (per proxy thread), e.g. 20. */
    budgetPercent: number;
    /** Retries allowed per second on top of the percent, so a quiet service is shielded too. Default 1. */
    minPerSecond?: number;
  };
  /** Route each client by a hash of its sticky cookie (set by the proxy when absent). */
  sticky: boolean;
  /** Name of the sticky cookie. Default 'slipway-session'. */
  stickyCookie?: string;
  /**
   * Header that carries a signed pin (see `issuePin`; honoured only while the route table has
   * `pinning: true`). Default 'x-slipway-revision'.
   */
  pinHeader?: string;
  /** Cookie that carries a signed pin. Default 'slipway-revision'. */
  pinCookie?: string;
  /** Key that signs pins (base64url, from `newPinKey`). Default: a fresh random key per proxy. */
  pinKey?: string;
  /** Wall clock for pin expiry. Default Date.now. */
  now?: () => number;
  /** Time for `drain`'s deadline and its polling (tests pass a virtual one). Default the system clock. */
  clock?: Clock;
  /**
   * Requests slower than this count as `slow`, the moment they cross it while still in flight. An
   * idempotent request on a candidate with no answer by then is counted failed and hedged to stable.
   * Default 0 (none are slow; nothing is hedged).
   */
  latencyBoundMs?: number;
  /** Longest wait for upstream response headers, and between body chunks; then 504. Default 30 000. */
  upstreamTimeoutMs?: number;
  /** Longest time a client may take to send its request headers. Default 10 000. */
  headersTimeoutMs?: number;
  /** Bodies up to this size are buffered so the request can be retried. Default 1 MiB. */
  maxRetryBodyBytes?: number;
  /** Upstream connections per instance per thread. Default 128. */
  upstreamConnections?: number;
  /**
   * Event loops serving the port. 0 = in the caller's thread; n ≥ 1 = n worker threads sharing the port
   * (SO_REUSEPORT), which keeps the daemon's own loop free. Default: see `defaultWorkers`.
   */
  workers?: number;
  /** Distinct revisions whose counters are kept at once; the oldest unrouted ones are forgotten. Default 64. */
  maxRevisions?: number;
  /** On `close`, how long in-flight requests may take before connections are cut. Default 5 000. */
  closeGraceMs?: number;
  /** Problems the proxy survives but someone should know about (a worker thread died). Default: stderr. */
  onError?: (error: Error) => void;
}

export type { PinPurpose, TrafficProxy as Proxy };

export type CountsByRevision = Record<string, RevisionCounters>;

/** A signed pin (see pins.ts) and how a client presents it. */
export interface IssuedPin {
  revision: string;
  pin: string;
  /** Epoch ms. */
  expiresAt: number;
  header: string;
  cookie: string;
}

/** The running proxy (exported as `Proxy` too). */
export interface TrafficProxy {
  readonly port: number;
  /** Atomic swap of the whole table: a request that starts after this returns sees the new table. */
  setRoutes(table: RouteTable): void;
  /** Waits until the revision has no in-flight requests or tunnels, or the deadline passes. */
  drain(revisionId: string, deadlineMs: number): Promise<{ drained: boolean; inFlight: number }>;
  /**
   * Cumulative counters per revision id. Users saw `Σ errors − Σ retried` failures: a retried failure
   * was hidden from them unless the retry also failed, which then counts as an error on stable.
   */
  counts(): CountsByRevision;
  /**
   * Requests no revision could take (503: nothing routable). Users saw these as errors too; they belong
   * to no revision, so they are not in `counts()`. Bad pins (404) and malformed requests (400) are the
   * client's doing and are counted nowhere.
   */
  unrouted(): RevisionCounters;
  /**
   * Signs a pin to `revisionId` valid for `ttlMs`. The caller checks the revision is served; the proxy
   * honours a user pin only while the table has `pinning: true`, a check pin always (pins.ts), and
   * either only while the revision has instances.
   */
  issuePin(revisionId: string, ttlMs: number, purpose?: PinPurpose): IssuedPin;
  /** Prometheus text exposition, one series per revision (label `revision`). */
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Worker threads used when `workers` is not given: 0, the caller's thread. Measured with
 * `npm run bench:proxy -- --workers 0,1,2` on a 2-core machine shared with other work, extra threads did
 * not raise throughput (the cores were already busy with the load tool, the upstream and everything
 * else) and a worker takes 0.5-1.7 s to start there, which would eat most of the daemon's 2 s budget for
 * restoring routing after a restart. Pass `workers` explicitly where cores are idle.
 */
export function defaultWorkers(): number {
  return 0;
}

export async function startProxy(opts: ProxyOptions): Promise<TrafficProxy> {
  const options = resolveOptions(opts);
  const slots = opts.maxRevisions ?? 64;
  const workers = opts.workers ?? defaultWorkers();
  const threads = Math.max(1, workers);
  const routesBuffer = createRoutesBuffer();
  // One more slot than revisions: the last counts requests no revision could take (503s).
  const countersBuffer = new SharedArrayBuffer(countersBytes(threads, slots + 1));
  const shared = {
    options: { ...options, unroutedSlot: slots },
    routes: routesBuffer,
    counters: countersBuffer,
    slots: slots + 1,
  };
  const onError =
    opts.onError ?? ((error: Error) => process.stderr.write(`slipway proxy: ${error.message}\n`));
  const handles: ThreadHandle[] =
    workers === 0
      ? [inCallerThread(shared)]
      : Array.from({ length: workers }, (_, i) => inWorkerThread(shared, i, onError));
  const graceMs = opts.closeGraceMs ?? 5000;
  let port: number;
  try {
    port = await handles[0]!.listen(opts.host, opts.port);
    await Promise.all(handles.slice(1).map((h) => h.listen(opts.host, port)));
  } catch (error) {
    await Promise.allSettled(handles.map((h) => h.close(0)));
    throw error;
  }
  return new LocalProxy(
    port,
    handles,
    graceMs,
    new RoutesWriter(routesBuffer),
    new CounterReader(countersBuffer, threads, slots + 1),
    slots,
    {
      key: Buffer.from(options.pinKey, 'base64url'),
      header: options.pinHeader,
      cookie: options.pinCookie,
      now: opts.now ?? Date.now,
    },
    opts.clock ?? systemClock,
  );
}

interface PinSigner {
  key: Buffer;
  header: string;
  cookie: string;
  now: () => number;
}

function resolveOptions(opts: ProxyOptions): Omit<ThreadOptions, 'unroutedSlot'> {
  const problems: string[] = [];
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535)
    problems.push(`port is ${opts.port}: use 0-65535`);
  if (
    opts.workers !== undefined &&
    !(Number.isInteger(opts.workers) && opts.workers >= 0 && opts.workers <= 64)
  ) {
    problems.push(`workers is ${opts.workers}: use an integer from 0 (caller's thread) to 64`);
  }
  if (!(opts.retry.budgetPercent >= 0 && opts.retry.budgetPercent <= 100)) {
    problems.push(`retry.budgetPercent is ${opts.retry.budgetPercent}: use a percent from 0 to 100`);
  }
  if (problems.length > 0) throw new Error(`invalid proxy options:\n  - ${problems.join('\n  - ')}`);
  return {
    retryMethods: opts.retry.methods.length > 0 ? opts.retry.methods : ['GET', 'HEAD', 'OPTIONS'],
    budgetPercent: opts.retry.budgetPercent,
    minRetriesPerSecond: opts.retry.minPerSecond ?? 1,
    sticky: opts.sticky,
    stickyCookie: opts.stickyCookie ?? 'slipway-session',
    pinHeader: (opts.pinHeader ?? 'x-slipway-revision').toLowerCase(),
    pinCookie: opts.pinCookie ?? 'slipway-revision',
    latencyBoundMs: opts.latencyBoundMs ?? 0,
    upstreamTimeoutMs: opts.upstreamTimeoutMs ?? 30_000,
    headersTimeoutMs: opts.headersTimeoutMs ?? 10_000,
    maxRetryBodyBytes: opts.maxRetryBodyBytes ?? 1024 * 1024,
    upstreamConnections: opts.upstreamConnections ?? 128,
    pinKey: opts.pinKey ?? newPinKey(),
  };
}

class LocalProxy implements TrafficProxy {
  readonly port: number;
  readonly #handles: ThreadHandle[];
  readonly #graceMs: number;
  readonly #writer: RoutesWriter;
  readonly #reader: CounterReader;
  readonly #maxSlots: number;
  /** Revision id → counter slot, in order of first appearance (oldest first, for reuse). */
  readonly #slots = new Map<string, number>();
  /** Revisions drained since they left the table: threads close their upgraded connections. */
  readonly #draining = new Set<string>();
  #table: RouteTable = { revisions: [], weights: {} };
  readonly #registry = proxyRegistry(
    () => this.counts(),
    () => this.unrouted().requests,
  );
  #closed: Promise<void> | undefined;
  readonly #signer: PinSigner;
  readonly #clock: Clock;

  constructor(
    port: number,
    handles: ThreadHandle[],
    graceMs: number,
    writer: RoutesWriter,
    reader: CounterReader,
    maxSlots: number,
    signer: PinSigner,
    clock: Clock,
  ) {
    this.#signer = signer;
    this.#clock = clock;
    this.port = port;
    this.#handles = handles;
    this.#graceMs = graceMs;
    this.#writer = writer;
    this.#reader = reader;
    this.#maxSlots = maxSlots;
  }

  setRoutes(table: RouteTable): void {
    validateRouteTable(table);
    for (const revision of table.revisions) this.#slotFor(revision.id, table);
    // Compile once here too, so a table that cannot be compiled fails in the caller, not in the threads.
    compileTable(table, 0, this.#slots);
    for (const revision of table.revisions) this.#draining.delete(revision.id);
    this.#table = table;
    this.#publish();
  }

  #publish(): void {
    this.#writer.publish({
      table: this.#table,
      slots: Object.fromEntries(this.#slots),
      draining: [...this.#draining],
    });
  }

  #slotFor(id: string, next: RouteTable): number {
    const known = this.#slots.get(id);
    if (known !== undefined) return known;
    let slot = this.#slots.size;
    if (slot >= this.#maxSlots) {
      // Revisions leaving with this table may go too, once nothing of theirs is in flight.
      const routed = new Set(next.revisions.map((r) => r.id));
      const victim = [...this.#slots].find(([old, s]) => !routed.has(old) && this.#reader.inFlight(s) === 0);
      if (victim === undefined) {
        throw new Error(
          `the proxy keeps counters for ${this.#maxSlots} revisions and all are in use; raise maxRevisions`,
        );
      }
      this.#slots.delete(victim[0]);
      slot = victim[1];
      this.#reader.reset(slot);
    }
    this.#slots.set(id, slot);
    return slot;
  }

  async drain(revisionId: string, deadlineMs: number): Promise<{ drained: boolean; inFlight: number }> {
    const slot = this.#slots.get(revisionId);
    if (slot === undefined) return { drained: true, inFlight: 0 };
    if (!this.#table.revisions.some((r) => r.id === revisionId) && !this.#draining.has(revisionId)) {
      // Long-lived connections never finish on their own: close them now (threads act within ~1 s).
      this.#draining.add(revisionId);
      this.#publish();
    }
    const clock = this.#clock;
    const deadline = clock.now() + deadlineMs;
    // Two zero readings in a row: a thread that picked the revision an instant before the swap has
    // certainly registered its request by the second one.
    let zeros = 0;
    for (;;) {
      const inFlight = this.#reader.inFlight(slot);
      zeros = inFlight === 0 ? zeros + 1 : 0;
      if (zeros >= 2) return { drained: true, inFlight: 0 };
      if (clock.now() >= deadline) return { drained: inFlight === 0, inFlight };
      await clock.sleep(Math.min(10, Math.max(1, deadline - clock.now())));
    }
  }

  counts(): CountsByRevision {
    const out: CountsByRevision = {};
    for (const [id, slot] of this.#slots) out[id] = this.#reader.read(slot);
    return out;
  }

  unrouted(): RevisionCounters {
    return this.#reader.read(this.#maxSlots);
  }

  metrics(): Promise<string> {
    return this.#registry.metrics();
  }

  issuePin(revisionId: string, ttlMs: number, purpose: PinPurpose = 'user'): IssuedPin {
    if (!(Number.isFinite(ttlMs) && ttlMs >= 1000)) {
      throw new RangeError(`pin lifetime is ${ttlMs} ms: give at least 1000 ms`);
    }
    const { key, header, cookie, now } = this.#signer;
    const expiresAt = Math.floor((now() + ttlMs) / 1000) * 1000;
    return {
      revision: revisionId,
      pin: signPin(key, revisionId, expiresAt, purpose),
      expiresAt,
      header,
      cookie,
    };
  }

  close(): Promise<void> {
    this.#closed ??= Promise.all(this.#handles.map((h) => h.close(this.#graceMs))).then(() => {});
    return this.#closed;
  }
}
