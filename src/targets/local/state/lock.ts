/**
 * The environment lock as a lease: a holder, an id known only to that holder, and an expiry.
 * The daemon is the only writer (it serializes requests), and persists the lease so that it
 * survives a daemon restart. An expired lease can be taken over by anyone; a live one is refused
 * with the holder's name.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { LockHeldError } from '../../../engine/target.ts';
import { writeJsonAtomic } from './atomic.ts';
import type { StatePaths } from './paths.ts';

export interface Lease {
  id: string;
  holder: string;
  expiresAt: number;
}

export class LeaseLost extends Error {
  constructor(holder: string) {
    super(`the lock held by ${holder} was lost (expired and taken over, or released)`);
    this.name = 'LeaseLost';
  }
}

export class LeaseStore {
  readonly #paths: StatePaths;
  readonly #now: () => number;
  constructor(paths: StatePaths, now: () => number = Date.now) {
    this.#paths = paths;
    this.#now = now;
  }

  async current(env: string): Promise<Lease | undefined> {
    try {
      return JSON.parse(await readFile(this.#paths.lock(env), 'utf8')) as Lease;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async acquire(env: string, holder: string, ttlMs: number): Promise<Lease> {
    checkTtl(ttlMs);
    const cur = await this.current(env);
    if (cur && cur.expiresAt > this.#now()) throw new LockHeldError(cur.holder, cur.expiresAt);
    const lease: Lease = { id: randomUUID(), holder, expiresAt: this.#now() + ttlMs };
    await writeJsonAtomic(this.#paths.lock(env), lease);
    return lease;
  }

  async renew(env: string, id: string, ttlMs: number): Promise<Lease> {
    checkTtl(ttlMs);
    const cur = await this.current(env);
    if (!cur || cur.id !== id) throw new LeaseLost(cur?.holder ?? 'this process');
    const lease = { ...cur, expiresAt: this.#now() + ttlMs };
    await writeJsonAtomic(this.#paths.lock(env), lease);
    return lease;
  }

  async release(env: string, id: string): Promise<void> {
    const cur = await this.current(env);
    if (cur && cur.id === id) await rm(this.#paths.lock(env), { force: true });
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new Error(`lock ttl must be a positive number of milliseconds, got ${ttlMs}`);
  }
}
