/**
 * One proxy event loop: an HTTP server that picks a revision per request and forwards through undici
 * keep-alive pools. Several of these can share one port (SO_REUSEPORT, one per worker thread); they share
 * the route table and counters through memory, not messages.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Pool } from 'undici';
import { bufferBody } from './body.ts';
import type { CounterWriter } from './counters.ts';
import { type Attempt, Exchange, type ExchangeHost, type RetryPolicy } from './exchange.ts';
import { cookieValue, type ParsedRequest, parseRequest } from './headers.ts';
import { looksLikePin, PIN_REFUSED_HEADER, verifyPin } from './pins.ts';
import { RetryBudget } from './retry-budget.ts';
import {
  type CompiledInstance,
  type CompiledRevision,
  type CompiledTable,
  type Instance,
  stickyPick,
} from './routing.ts';
import type { RoutesReader } from './shared-routes.ts';
import { openTunnel } from './tunnel.ts';

/** Options after defaults, as every thread receives them. */
export interface ThreadOptions {
  retryMethods: string[];
  budgetPercent: number;
  minRetriesPerSecond: number;
  sticky: boolean;
  stickyCookie: string;
  pinHeader: string;
  pinCookie: string;
  latencyBoundMs: number;
  upstreamTimeoutMs: number;
  headersTimeoutMs: number;
  maxRetryBodyBytes: number;
  upstreamConnections: number;
  /** Key that signs pins (base64url); see pins.ts. */
  pinKey: string;
  /** Counter slot for requests that no revision could take. */
  unroutedSlot: number;
}

/** How long an instance that failed to answer is skipped by round-robin. */
const DOWN_MS = 2000;

type Pick =
  | { revision: CompiledRevision; pinned: boolean; setCookie?: string }
  | { status: 503 | 404; body: string; retryAfter?: boolean; pinRefused?: boolean };

/**
 * The answer to a pin that is unsigned, expired, from another environment or for a revision no longer
 * served: the same for all, naming no revision, so probing pins teaches nothing.
 */
const BAD_PIN = 'no such pin here (unsigned, expired or no longer served); ask for one with `slipway pin`\n';

export class ProxyThread implements ExchangeHost {
  readonly counters: CounterWriter;
  readonly upstreamTimeoutMs: number;
  readonly server: Server;
  readonly #options: ThreadOptions;
  readonly #routes: RoutesReader;
  readonly #retryMethods: Set<string>;
  readonly #budget: RetryBudget;
  readonly #pools = new Map<string, Pool>();
  /** Open upgrade tunnels (client socket → revision id). */
  readonly #tunnels = new Map<Socket, string>();
  readonly #sweeper: NodeJS.Timeout;
  #sweptVersion = 0;
  readonly #pinKey: Buffer;
  /** Attempts in flight, watched for crossing the latency bound (only when there is one). */
  readonly #inFlight = new Set<Attempt>();
  readonly #watch: NodeJS.Timeout | undefined;

  constructor(options: ThreadOptions, routes: RoutesReader, counters: CounterWriter) {
    this.#options = options;
    this.#routes = routes;
    this.counters = counters;
    this.upstreamTimeoutMs = options.upstreamTimeoutMs;
    this.#retryMethods = new Set(options.retryMethods.map((m) => m.toUpperCase()));
    this.#budget = new RetryBudget({
      budgetPercent: options.budgetPercent,
      minPerSecond: options.minRetriesPerSecond,
    });
    this.server = createServer(
      {
        headersTimeout: options.headersTimeoutMs,
        // Node checks the timeout on this period (default 30 s): check often enough to honour it.
        connectionsCheckingInterval: Math.max(250, Math.min(30_000, options.headersTimeoutMs / 4)),
      },
      (req, res) => {
        try {
          this.#onRequest(req, res);
        } catch (error) {
          // A bug here must cost one request, not the daemon that embeds the proxy.
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`slipway proxy error: ${(error as Error).message}\n`);
        }
      },
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      try {
        this.#onUpgrade(req, socket, head);
      } catch {
        socket.destroy();
      }
    });
    this.server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    });
    this.#sweeper = setInterval(() => this.#sweep(), 1000).unref();
    this.#pinKey = Buffer.from(options.pinKey, 'base64url');
    const bound = options.latencyBoundMs;
    if (bound > 0) {
      // A fifth of the bound (10-100 ms): an attempt is seen overdue at most 20% after it crossed it.
      const every = Math.max(10, Math.min(100, Math.floor(bound / 5)));
      this.#watch = setInterval(() => this.#checkOverdue(bound), every).unref();
    }
  }

  track(attempt: Attempt): void {
    if (this.#watch !== undefined) this.#inFlight.add(attempt);
  }

  untrack(attempt: Attempt): void {
    if (this.#watch !== undefined) this.#inFlight.delete(attempt);
  }

  /**
   * With pinning off a header is just a header, but one shaped like a pin that this proxy did not sign
   * was meant as one: most likely a check pin signed by a proxy since replaced (a keeper died). It is
   * refused (the check asks for a fresh pin), never routed by weight to stable in the candidate's place.
   * A user pin this proxy signed still routes by weight, as pinning off promises.
   */
  #foreignPin(pin: string, now: number): boolean {
    return pin !== '' && looksLikePin(pin) && verifyPin(this.#pinKey, pin, now, 'user') === undefined;
  }

  #checkOverdue(bound: number): void {
    if (this.#inFlight.size === 0) return;
    const now = performance.now();
    // A hedge adds its retry to the set while it is walked; Set iteration visits it too, harmlessly.
    for (const attempt of this.#inFlight) attempt.checkOverdue(now, bound);
  }

  listen(host: string, port: number, reusePort: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port, reusePort }, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : port);
      });
    });
  }

  pool(instance: Instance): Pool {
    const key = `${instance.host}:${instance.port}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      const host = instance.host.includes(':') ? `[${instance.host}]` : instance.host;
      pool = new Pool(`http://${host}:${instance.port}`, {
        connections: this.#options.upstreamConnections,
        headersTimeout: this.upstreamTimeoutMs,
        bodyTimeout: this.upstreamTimeoutMs,
        connectTimeout: Math.min(this.upstreamTimeoutMs, 5000),
        keepAliveTimeout: 4000,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /**
   * Round-robin over the revision's instances, skipping one that just failed to answer (passive health:
   * until the supervisor replaces a dead instance, requests stop paying for a refused connection).
   */
  nextInstance(revision: CompiledRevision, avoid?: Instance): CompiledInstance {
    const { instances } = revision;
    const now = performance.now();
    for (let tries = 0; tries < instances.length; tries++) {
      const instance = instances[revision.cursor++ % instances.length]!;
      if (instance !== avoid && instance.downUntil <= now) return instance;
    }
    return instances[revision.cursor++ % instances.length]!;
  }

  markDown(instance: CompiledInstance): void {
    instance.downUntil = performance.now() + DOWN_MS;
  }

  tryRetry(): boolean {
    return this.#budget.tryRetry();
  }

  #pick(table: CompiledTable, request: ParsedRequest): Pick {
    const o = this.#options;
    // User pins (header or cookie) are read only where slipway.yaml turned them on; elsewhere the
    // header is just a header, except for a check pin (pins.ts), which only the header carries: the
    // daemon's own analysis checks, honoured always.
    const userPin = !table.pinning
      ? ''
      : request.pin !== ''
        ? request.pin
        : o.pinCookie !== ''
          ? cookieValue(request.cookie, o.pinCookie)
          : '';
    if (userPin !== '' || request.pin !== '') {
      const now = Date.now();
      const id =
        (userPin !== '' ? verifyPin(this.#pinKey, userPin, now) : undefined) ??
        (request.pin !== '' ? verifyPin(this.#pinKey, request.pin, now, 'check') : undefined);
      // A bad user pin, a check pin whose revision is gone or that another proxy signed (a check must
      // judge the revision it names, never stable in its place), is answered alike.
      if (id !== undefined || userPin !== '' || this.#foreignPin(request.pin, now)) {
        const revision = id === undefined ? undefined : table.byId.get(id);
        if (revision === undefined || revision.instances.length === 0)
          return { status: 404, body: BAD_PIN, pinRefused: true };
        return { revision, pinned: true };
      }
    }
    if (table.schedule.length === 0) {
      return {
        status: 503,
        retryAfter: true,
        body: 'no release is serving this environment right now (no revision has traffic weight and instances); try again shortly\n',
      };
    }
    if (o.sticky) {
      let key = cookieValue(request.cookie, o.stickyCookie);
      let setCookie: string | undefined;
      if (key === '') {
        key = randomUUID();
        setCookie = `${o.stickyCookie}=${key}; Path=/; HttpOnly; SameSite=Lax`;
      }
      return { revision: stickyPick(table.weighted, key)!, pinned: false, setCookie };
    }
    const revision = table.schedule[this.#routes.nextTick() % table.schedule.length]!;
    return { revision, pinned: false };
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const table = this.#routes.current();
    const request = parseRequest(req, this.#options.pinHeader, false);
    if (request.problem !== '') {
      // The client's own mistake: answered here, counted for no revision (nor as unrouted).
      const body = `bad request: ${request.problem}\n`;
      res.shouldKeepAlive = false;
      res
        .writeHead(400, {
          'content-type': 'text/plain; charset=utf-8',
          'content-length': Buffer.byteLength(body),
        })
        .end(body);
      return;
    }
    this.#budget.request();
    const pick = this.#pick(table, request);
    if ('status' in pick) {
      const headers: Record<string, string | number> = {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(pick.body),
      };
      if (pick.retryAfter) headers['retry-after'] = 5;
      if (pick.pinRefused) headers[PIN_REFUSED_HEADER] = 1;
      res.writeHead(pick.status, headers).end(pick.body);
      if (pick.status === 503) this.#countUnrouted();
      return;
    }
    const exchange = new Exchange(this, req, res, request);
    exchange.setCookie = pick.setCookie;
    exchange.pinned = pick.pinned;
    const stable = table.stable;
    // Candidate failures (5xx or no answer) are retried on stable; on stable itself only a failure to get
    // any answer is (an instance that died), on another instance.
    const policy: RetryPolicy =
      pick.pinned ||
      stable === undefined ||
      stable.instances.length === 0 ||
      !this.#retryMethods.has(req.method ?? '')
        ? 'none'
        : stable !== pick.revision
          ? 'failure'
          : stable.instances.length > 1
            ? 'no-answer'
            : 'none';
    exchange.fallback = stable;
    const hasBody = request.chunked || request.contentLength > 0;
    if (!hasBody) {
      exchange.attempt(pick.revision, policy);
      return;
    }
    if (policy === 'none' || request.contentLength > this.#options.maxRetryBodyBytes) {
      exchange.body = req;
      exchange.attempt(pick.revision, 'none');
      return;
    }
    bufferBody(req, this.#options.maxRetryBodyBytes).then(
      (body) => {
        exchange.body = body;
        exchange.attempt(pick.revision, Buffer.isBuffer(body) ? policy : 'none');
      },
      () => res.destroy(),
    );
  }

  #onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const table = this.#routes.current();
    const request = parseRequest(req, this.#options.pinHeader, true);
    if (request.problem !== '') {
      const body = `bad request: ${request.problem}\n`;
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const pick = this.#pick(table, request);
    if ('status' in pick) {
      const line = pick.status === 404 ? '404 Not Found' : '503 Service Unavailable';
      socket.end(
        `HTTP/1.1 ${line}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(pick.body)}\r\nconnection: close\r\n\r\n${pick.body}`,
      );
      if (pick.status === 503) this.#countUnrouted();
      return;
    }
    const revision = pick.revision;
    openTunnel(
      { req, socket, head, headers: request.headers, instance: this.nextInstance(revision) },
      {
        add: (s: Socket) => this.#tunnels.set(s, revision.id),
        delete: (s: Socket) => this.#tunnels.delete(s),
      },
      {
        started: () => this.counters.started(revision.slot),
        finished: (status, latencyMs) =>
          this.counters.finished(revision.slot, {
            status,
            error: status === 0 || status >= 500,
            retried: false,
            latencyMs,
            ...(pick.pinned ? { excluded: 'pinned' as const } : {}),
          }),
      },
    );
  }

  #countUnrouted(): void {
    const slot = this.#options.unroutedSlot;
    this.counters.started(slot);
    this.counters.finished(slot, { status: 503, error: true, retried: false, latencyMs: 0 });
  }

  /**
   * After a table change: closes pools of instances that left the table (`close` lets their in-flight
   * requests finish) and ends the tunnels of revisions being drained.
   */
  #sweep(): void {
    const table = this.#routes.current();
    if (table.version === this.#sweptVersion) return;
    this.#sweptVersion = table.version;
    for (const [socket, revision] of this.#tunnels) if (table.draining.has(revision)) socket.end();
    const live = new Set(table.revisions.flatMap((r) => r.instances.map((i) => `${i.host}:${i.port}`)));
    for (const [key, pool] of this.#pools) {
      if (live.has(key)) continue;
      this.#pools.delete(key);
      void pool.close().catch(() => {});
    }
  }

  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts what remains. */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.#sweeper);
    clearInterval(this.#watch);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => {
      this.server.closeAllConnections();
      for (const tunnel of this.#tunnels.keys()) tunnel.destroy();
    }, graceMs);
    for (const tunnel of this.#tunnels.keys()) tunnel.end();
    await closed;
    clearTimeout(timer);
    await Promise.all([...this.#pools.values()].map((pool) => pool.destroy().catch(() => {})));
    this.#pools.clear();
  }
}
