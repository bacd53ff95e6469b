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
import { quarantine } from './quarantine.ts';
import { leaseFile, readJsonFile } from './schemas.ts';

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

/** The lock file is not a lease: nobody can tell who holds the environment, so nobody takes it. */
export class LockDamagedError extends Error {
  readonly file: string;
  constructor(file: string, problem: string, stateDir: string) {
    super(
      `${file} is damaged (${problem}): slipway cannot tell who holds the lock. If no slipway command is running for this environment, run slipway local doctor --fix --state-dir ${stateDir} (it moves the file into ${file}.corrupt), then retry`,
    );
    this.name = 'LockDamagedError';
    this.file = file;
  }
}

export class LeaseStore {
  readonly #paths: StatePaths;
  readonly #now: () => number;
  constructor(paths: StatePaths, now: () => number = Date.now) {
    this.#paths = paths;
    this.#now = now;
  }

  /** The lease on disk; throws `LockDamagedError` when the file is not one. */
  async current(env: string): Promise<Lease | undefined> {
    const file = this.#paths.lock(env);
    const read = await readJsonFile(file, leaseFile);
    if (read.kind === 'damaged') throw new LockDamagedError(file, read.problem, this.#paths.root);
    return read.kind === 'ok' ? read.value : undefined;
  }

  /**
   * For the holder (renew, release): a damaged file cannot name anyone else, since nobody can
   * acquire a damaged lock; its bytes go to the sidecar and the holder carries on.
   */
  async #currentForHolder(env: string): Promise<Lease | 'damaged' | undefined> {
    try {
      return await this.current(env);
    } catch (err) {
      if (!(err instanceof LockDamagedError)) throw err;
      const file = this.#paths.lock(env);
      await quarantine(file, [{ problem: err.message, bytes: await readFile(file) }], this.#now());
      return 'damaged';
    }
  }

  async acquire(env: string, holder: string, ttlMs: number): Promise<Lease> {
    checkTtl(ttlMs);
    const cur = await this.current(env);
    if (cur && cur.expiresAt > this.#now()) throw new LockHeldError(cur.holder, cur.expiresAt);
    const lease: Lease = { id: randomUUID(), holder, expiresAt: this.#now() + ttlMs };
    await writeJsonAtomic(this.#paths.lock(env), lease, { mode: 0o600 });
    return lease;
  }

  async renew(env: string, id: string, ttlMs: number): Promise<Lease> {
    checkTtl(ttlMs);
    const cur = await this.#currentForHolder(env);
    if (cur === 'damaged') {
      // Its holder name is lost with the file; the id proves who we are.
      const lease = {
        id,
        holder: 'unknown (its lock file was damaged and rewritten)',
        expiresAt: this.#now() + ttlMs,
      };
      await writeJsonAtomic(this.#paths.lock(env), lease, { mode: 0o600 });
      return lease;
    }
    if (!cur || cur.id !== id) throw new LeaseLost(cur?.holder ?? 'this process');
    const lease = { ...cur, expiresAt: this.#now() + ttlMs };
    await writeJsonAtomic(this.#paths.lock(env), lease, { mode: 0o600 });
    return lease;
  }

  async release(env: string, id: string): Promise<void> {
    const cur = await this.#currentForHolder(env);
    if (cur === 'damaged' || (cur && cur.id === id)) await rm(this.#paths.lock(env), { force: true });
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new Error(`lock ttl must be a positive number of milliseconds, got ${ttlMs}`);
  }
}
