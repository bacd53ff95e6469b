/**
 * Delivery with retries: a notification is an HTTP request that may fail (the receiver is down, a
 * 5xx, a 429). It is retried with exponential backoff — honouring Retry-After — a bounded number
 * of times, and then given up with one line in the log. Nothing here throws into the release.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpAnswer {
  status: number;
  body: string;
}

export interface DeliveryOptions {
  /** Attempts in all (default 5). */
  attempts?: number;
  /** First backoff; doubles each time (default 500 ms). */
  backoffMs?: number;
  /** Longest wait between attempts, Retry-After included (default 10 s). */
  maxBackoffMs?: number;
  /** One attempt's timeout (default 5 s). */
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<unknown>;
}

/** A receiver that answered something retrying will not change (a 4xx other than 408 / 429). */
export class DeliveryRefused extends Error {
  readonly status: number;
  constructor(status: number, body: string) {
    super(`HTTP ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.status = status;
  }
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** Sends the request until it succeeds (2xx) or the attempts are spent; returns the answer or throws the last error. */
export async function send(url: string, init: RequestInit, opts: DeliveryOptions = {}): Promise<HttpAnswer> {
  const attempts = opts.attempts ?? 5;
  const doFetch = opts.fetch ?? fetch;
  const wait = opts.sleep ?? sleep;
  let backoff = opts.backoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 10_000;
  let last: Error = new Error('not sent');
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryAfterMs: number | undefined;
    try {
      const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(opts.timeoutMs ?? 5000) });
      const body = await res.text();
      if (res.ok) return { status: res.status, body };
      if (!retryable(res.status)) throw new DeliveryRefused(res.status, body);
      last = new Error(`HTTP ${res.status}${body ? `: ${body.slice(0, 200)}` : ''}`);
      const after = Number(res.headers.get('retry-after'));
      if (Number.isFinite(after) && after >= 0) retryAfterMs = after * 1000;
    } catch (err) {
      if (err instanceof DeliveryRefused) throw err;
      last = err as Error;
    }
    if (attempt < attempts) await wait(Math.min(maxBackoff, retryAfterMs ?? backoff));
    backoff *= 2;
  }
  throw new Error(`gave up after ${attempts} attempts: ${last.message}`);
}
