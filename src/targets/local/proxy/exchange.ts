/**
 * One user request through the proxy: an attempt on the chosen revision and, when that attempt fails on a
 * non-stable revision and the request is safe to repeat, one more attempt on stable. Bodies stream both
 * ways with backpressure; a failed attempt that is retried never reaches the user but still counts
 * against its revision.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CounterWriter } from './counters.ts';
import { type ParsedRequest, responseHeaders } from './headers.ts';
import type { CompiledRevision, Instance } from './routing.ts';

/** What an exchange needs from its proxy thread. */
export interface ExchangeHost {
  readonly counters: CounterWriter;
  readonly upstreamTimeoutMs: number;
  pool(instance: Instance): Dispatcher;
  nextInstance(revision: CompiledRevision): Instance;
  /** Takes one retry from the budget; false when exhausted. */
  tryRetry(): boolean;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class Exchange {
  readonly host: ExchangeHost;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly request: ParsedRequest;
  /** Where a failed attempt is retried, or undefined when this request must not be retried. */
  fallback: CompiledRevision | undefined;
  body: Buffer | Readable | null = null;
  setCookie: string | undefined;
  current: Attempt | undefined;
  clientGone = false;

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

  attempt(revision: CompiledRevision, retryable: boolean): void {
    const instance = this.host.nextInstance(revision);
    const attempt = new Attempt(this, revision, instance, retryable);
    this.current = attempt;
    this.host.counters.started(revision.slot);
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

class Attempt implements Dispatcher.DispatchHandler {
  readonly #x: Exchange;
  readonly #revision: CompiledRevision;
  readonly #instance: Instance;
  readonly #retryable: boolean;
  readonly #started = performance.now();
  controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #retrying = false;
  #done = false;

  constructor(x: Exchange, revision: CompiledRevision, instance: Instance, retryable: boolean) {
    this.#x = x;
    this.#revision = revision;
    this.#instance = instance;
    this.#retryable = retryable;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): void {
    this.#status = status;
    if (status >= 500 && this.#retryable && this.#x.host.tryRetry()) {
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
    if (this.#retrying) return;
    if (!this.#x.res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
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
    const timedOut = TIMEOUT_CODES.has(code);
    if (!x.res.headersSent && !this.#retrying && this.#retryable && x.host.tryRetry()) {
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
    const fallback = this.#x.fallback!;
    this.#x.attempt(fallback, false);
  }

  #finish(error: boolean, retried: boolean): void {
    this.#done = true;
    this.#x.host.counters.finished(this.#revision.slot, {
      status: this.#status,
      error,
      retried,
      latencyMs: performance.now() - this.#started,
    });
  }
}
