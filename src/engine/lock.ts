/**
 * The environment lock: one operation per environment at a time. The lock always has an expiry
 * (a crashed engine cannot hold an environment forever); a running engine renews it once half its
 * time-to-live has passed, and stops before acting if the renewal fails.
 */
import type { Clock } from './clock.ts';
import { LockLostError } from './errors.ts';
import { type Lock, LockHeldError, type Target } from './target.ts';

export interface LockOptions {
  holder: string;
  ttlMs: number;
  clock: Clock;
  /** Wait for the holder to finish (or its lock to expire) instead of failing with `LockHeldError`. */
  wait?: boolean;
  /** How often to retry while waiting; default 1000 ms. */
  retryMs?: number;
  signal?: AbortSignal;
}

/** A held lock that renews itself when asked to and knows when it must be renewed next. */
export class HeldLock {
  readonly lock: Lock;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private renewedAt: number;

  constructor(lock: Lock, clock: Clock, ttlMs: number) {
    this.lock = lock;
    this.clock = clock;
    this.ttlMs = ttlMs;
    this.renewedAt = clock.now();
  }

  /** When the next renewal is due: half the time-to-live after the last one. */
  renewDueAt(): number {
    return this.renewedAt + this.ttlMs / 2;
  }

  /** Renews when due; throws `LockLostError` if another holder has taken the environment. */
  async keepAlive(): Promise<void> {
    if (this.clock.now() < this.renewDueAt()) return;
    try {
      await this.lock.renew();
    } catch (err) {
      throw new LockLostError(this.lock.holder, err);
    }
    this.renewedAt = this.clock.now();
  }
}

export async function acquireLock(target: Target, opts: LockOptions): Promise<HeldLock> {
  const retryMs = opts.retryMs ?? 1000;
  for (;;) {
    try {
      const lock = await target.lock(opts.holder, opts.ttlMs);
      return new HeldLock(lock, opts.clock, opts.ttlMs);
    } catch (err) {
      if (!(err instanceof LockHeldError) || !opts.wait) throw err;
      const untilExpiry = err.expiresAt - opts.clock.now();
      await opts.clock.sleep(Math.max(1, Math.min(retryMs, untilExpiry)), opts.signal);
    }
  }
}

/** Runs `fn` under the lock; releases it afterwards without hiding the error `fn` threw. */
export async function withLock<T>(
  target: Target,
  opts: LockOptions,
  fn: (held: HeldLock) => Promise<T>,
): Promise<T> {
  const held = await acquireLock(target, opts);
  let result: T;
  try {
    result = await fn(held);
  } catch (err) {
    // Best effort: a crashed target may not answer; the lock then expires on its own.
    await held.lock.release().catch(() => {});
    throw err;
  }
  await held.lock.release();
  return result;
}
