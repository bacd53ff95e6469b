/**
 * One user request through the proxy: an attempt on the chosen revision and, when that attempt fails on a
 * non-stable revision and the request is safe to repeat, one more attempt on stable. Bodies stream both
 * ways with backpressure; a failed attempt that is retried never reaches the user but still counts
 * against its revision.
 *
 * An attempt that hangs is evidence while it hangs: past the latency bound it counts as slow at once,
 * and one that could be retried (idempotent, on a candidate, no answer yet) is given up on — counted
 * failed — and hedged to stable, so the user gets an answer instead of waiting for the upstream timeout.
 * One that cannot be repeated (a POST) stays on the candidate, and counts as failed once it has hung
 * for `FAILED_AFTER_BOUNDS` bounds, without being retried.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CounterWriter, Outcome, Overdue } from './counters.ts';
import { type ParsedRequest, responseHeaders } from './headers.ts';
import type { CompiledInstance, CompiledRevision, Instance } from './routing.ts';

/** What an exchange needs from its proxy thread. */
export interface ExchangeHost {
  readonly counters: CounterWriter;
  readonly upstreamTimeoutMs: number;
  pool(instance: Instance): Dispatcher;
  /** Watches an attempt while it is in flight (for `Attempt.checkOverdue`); `untrack` when it ends. */
  track(attempt: Attempt): void;
  untrack(attempt: Attempt): void;
  nextInstance(revision: CompiledRevision, avoid?: Instance): CompiledInstance;
  /** The instance failed to answer at all (refused, reset, connect timeout). */
  markDown(instance: CompiledInstance): void;
  /** Takes one retry from the budget; false when exhausted. */
  tryRetry(): boolean;
}

/**
 * When a failed attempt is tried again on stable: `failure` = after a 5xx, a timeout or no answer (the
 * attempt was on a candidate); `no-answer` = only when no response came at all (the attempt was on a
 * stable instance, the retry goes to another one); `none` = never.
 */
export type RetryPolicy = 'failure' | 'no-answer' | 'none';

/**
 * A candidate's attempt unanswered for this many latency bounds counts as failed while it still hangs
 * (one that may be repeated is hedged to stable at the first bound instead).
 */
export const FAILED_AFTER_BOUNDS = 2;

/** Errors that mean the instance itself is gone, not that one request went wrong. */
const DEAD_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
/** undici refused to send the request as given: the client's mistake, evidence against no revision. */
const CLIENT_CODES = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

export class Exchange {
  readonly host: ExchangeHost;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly request: ParsedRequest;
  /** Where a failed attempt is retried (stable). */
  fallback: CompiledRevision | undefined;
  body: Buffer | Readable | null = null;
  setCookie: string | undefined;
  current: Attempt | undefined;
  clientGone = false;
  /** A signed pin chose the revision: served, never counted as evidence, never watched or hedged. */
  pinned = false;

  constructor(host: ExchangeHost, req: IncomingMessage, res: ServerResponse, request: ParsedRequest) {
    this.host = host;
    this.req = req;
    this.res = res;
    this.request = request;
    res.on('close', () => {
      if (res.writableFinished) return;
      this.clientGone = true;
      this.current?.controller?.abort(new Error('client closed the connection'));
    });
  }

  attempt(revision: CompiledRevision, policy: RetryPolicy, avoid?: Instance): void {
    const instance = this.host.nextInstance(revision, avoid);
    const attempt = new Attempt(this, revision, instance, policy);
    this.current = attempt;
    this.host.counters.started(revision.slot);
    if (!this.pinned) this.host.track(attempt);
    this.host.pool(instance).dispatch(
      {
        path: this.req.url ?? '/',
        method: this.req.method as Dispatcher.HttpMethod,
        headers: this.request.headers,
        body: this.body,
      },
      attempt,
    );
  }
}

export class Attempt implements Dispatcher.DispatchHandler {
  readonly #x: Exchange;
  readonly #revision: CompiledRevision;
  readonly #instance: CompiledInstance;
  readonly #policy: RetryPolicy;
  readonly #started = performance.now();
  controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #retrying = false;
  #done = false;
  /** What the in-flight watch has counted already (see `checkOverdue`). */
  #counted: Overdue | undefined;

  constructor(x: Exchange, revision: CompiledRevision, instance: CompiledInstance, policy: RetryPolicy) {
    this.#x = x;
    this.#revision = revision;
    this.#instance = instance;
    this.#policy = policy;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Hedged before undici got to start it (still queued for a connection): it must not run at all.
    if (this.#done) controller.abort(new Error('hedged to stable'));
  }

  /**
   * Called by the thread's watch, at most every few tens of milliseconds, while the attempt is in flight.
   * Past `boundMs` without an answer the attempt becomes evidence now: slow, or — when it may be sent
   * again (on a candidate, idempotent) and the retry budget allows — failed and hedged to stable.
   */
  checkOverdue(now: number, boundMs: number): void {
    if (this.#done || now - this.#started <= boundMs) return;
    const x = this.#x;
    const counters = x.host.counters;
    const slot = this.#revision.slot;
    const unanswered = this.#status === 0 && !x.res.headersSent && !x.clientGone;
    if (this.#policy === 'failure' && unanswered && x.host.tryRetry()) {
      counters.overdue(slot, 'failed', this.#counted);
      this.#counted = 'failed';
      this.#finish(true, true);
      this.controller?.abort(new Error('hedged to stable: no answer within the latency bound'));
      this.#retry();
      return;
    }
    // One that cannot be sent again (not idempotent, or no budget) keeps waiting for its answer, but a
    // candidate's hang past the failure bound is a failure now, not when the upstream timeout ends it.
    const onCandidate = x.fallback !== undefined && this.#revision !== x.fallback;
    if (
      onCandidate &&
      unanswered &&
      this.#counted !== 'failed' &&
      now - this.#started > boundMs * FAILED_AFTER_BOUNDS
    ) {
      counters.overdue(slot, 'failed', this.#counted);
      this.#counted = 'failed';
      return;
    }
    if (this.#counted === undefined) {
      counters.overdue(slot, 'slow', undefined);
      this.#counted = 'slow';
    }
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    if (this.#done) return; // hedged: stable answers this request
    this.#status = status;
    if (status >= 500 && this.#policy === 'failure' && this.#x.host.tryRetry()) {
      this.#retrying = true; // the body is read and dropped so the connection stays reusable
      return;
    }
    const res = this.#x.res;
    if (res.destroyed) return;
    const out = responseHeaders(headers);
    const cookie = this.#x.setCookie;
    if (cookie !== undefined) {
      const existing = out['set-cookie'];
      out['set-cookie'] = existing === undefined ? cookie : [...[existing].flat(), cookie];
    }
    res.writeHead(status, statusMessage || undefined, out);
    res.on('drain', () => controller.resume());
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#retrying || this.#done) return;
    if (!this.#x.res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    if (this.#done) return;
    if (this.#retrying) {
      this.#finish(true, true);
      this.#retry();
      return;
    }
    this.#x.res.end();
    this.#finish(this.#status >= 500, false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#done) return;
    const x = this.#x;
    if (x.clientGone) {
      this.#status = 0;
      this.#finish(false, false);
      return;
    }
    const code = (error as { code?: string }).code ?? '';
    if (this.#status === 0 && !x.res.headersSent && CLIENT_CODES.has(code)) {
      const body = `bad request: ${error.message}\n`;
      x.res.writeHead(400, {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      x.res.end(body);
      this.#finish(false, false, 'client');
      return;
    }
    const timedOut = TIMEOUT_CODES.has(code);
    if (this.#status === 0 && DEAD_CODES.has(code)) x.host.markDown(this.#instance);
    // A timeout on stable is not retried: the other instances run the same code and would hang too.
    const worthRetrying = this.#policy === 'failure' || (this.#policy === 'no-answer' && !timedOut);
    if (!x.res.headersSent && !this.#retrying && worthRetrying && x.host.tryRetry()) {
      this.#status = 0;
      this.#finish(true, true);
      this.#retry();
      return;
    }
    if (this.#retrying) {
      // The failed answer was being discarded for a retry; retry anyway, the budget was already taken.
      this.#finish(true, true);
      this.#retry();
      return;
    }
    if (x.res.headersSent) {
      x.res.destroy(error); // the status line is gone: cutting the connection is the only honest signal
      this.#finish(true, false);
      return;
    }
    this.#status = timedOut ? 504 : 502;
    const where = `revision ${this.#revision.id} at ${this.#instance.host}:${this.#instance.port}`;
    const body = timedOut
      ? `upstream ${where} did not answer within ${x.host.upstreamTimeoutMs} ms\n`
      : `upstream ${where} failed: ${code || error.message}\n`;
    x.res.writeHead(this.#status, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    x.res.end(body);
    this.#finish(true, false);
  }

  #retry(): void {
    this.#x.attempt(this.#x.fallback!, 'none', this.#instance);
  }

  #finish(error: boolean, retried: boolean, excluded?: 'client'): void {
    this.#done = true;
    const x = this.#x;
    if (!x.pinned) x.host.untrack(this);
    const outcome: Outcome = {
      status: this.#status,
      error,
      retried,
      latencyMs: performance.now() - this.#started,
    };
    if (this.#counted !== undefined) outcome.counted = this.#counted;
    if (x.pinned) outcome.excluded = 'pinned';
    else if (excluded !== undefined) outcome.excluded = excluded;
    x.host.counters.finished(this.#revision.slot, outcome);
  }
}
