/**
 * The seam between the engine and the world. A target is one environment's runtime (`local`
 * processes + proxy, or a Kubernetes namespace); everything that talks to processes, sockets or an
 * API server lives behind it.
 */

import { SlipwayError } from '../core/fault.ts';
import type { ReleaseSpec } from '../core/spec.ts';
import type { Action, LedgerEvent, OperatorCommand, Phase, TargetObservation } from '../core/types.ts';

/** The durable record of one release in one environment's ledger. */
export interface ReleaseRecord {
  release: number;
  environment: string;
  service: string;
  digest: string;
  artifactRef?: string;
  configHash: string;
  /** The resolved configuration (secret *references* only, never values), as applied. */
  config: unknown;
  strategy: string;
  startedAt: number;
  finishedAt?: number;
  /** Final phase once the operation ended: promoted, rolled-back, failed. */
  outcome?: Phase;
  reasons: string[];
  /**
   * The release spec the engine ran (written by the engine at `begin`; store it as given). A
   * rollback to this release runs it again, and `resume` continues from it after a crash.
   */
  spec?: ReleaseSpec;
}

/** Append-only history of releases and their events, per environment. */
export interface Ledger {
  releases(): Promise<ReleaseRecord[]>;
  /** Append a new release record; numbers are assigned by the caller (last + 1). */
  begin(record: ReleaseRecord): Promise<void>;
  append(event: LedgerEvent): Promise<void>;
  events(release: number): Promise<LedgerEvent[]>;
  finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void>;
  /** The engine's progress memo for an operation in flight (crash safety). */
  saveProgress(release: number, progress: unknown): Promise<void>;
  loadProgress(release: number): Promise<unknown>;
  /** Operator commands (promote, abort, pause, resume) sent by another CLI invocation. */
  command(release: number, command: OperatorCommand): Promise<void>;
  commands(release: number): Promise<OperatorCommand[]>;
}

export interface Lock {
  holder: string;
  expiresAt: number;
  /** Extend the lease; rejects if it was lost. */
  renew(): Promise<void>;
  release(): Promise<void>;
}

/** Thrown by `Target.lock` when another holder has the environment. */
export class LockHeldError extends SlipwayError {
  readonly holder: string;
  readonly expiresAt: number;
  constructor(holder: string, expiresAt: number) {
    super(`environment is locked by ${holder} until ${new Date(expiresAt).toISOString()}`, 'busy');
    this.name = 'LockHeldError';
    this.holder = holder;
    this.expiresAt = expiresAt;
  }

  /** With what to do about it (wait, or `--wait`). */
  override get summary(): string {
    return `another operation is running: the environment is locked by ${this.holder} (lock expires ${new Date(this.expiresAt).toISOString()} unless renewed); wait for it, or re-run with --wait`;
  }
}

export interface Target {
  /** Revisions, their ready capacity and the current traffic split. */
  observe(): Promise<TargetObservation>;
  /**
   * Make the world match the actions, in order. `record` actions are the engine's, not the target's.
   * Every action is declarative and must be idempotent: `ensure-revision` states a desired instance
   * count (for `spec.revision ?? spec.release` it creates the revision from `spec`; for any other
   * release it scales that existing revision), `set-traffic` states the whole split, and retiring a
   * revision that is already gone does nothing. The engine relies on this after a crash.
   */
  apply(actions: Action[], spec: ReleaseSpec): Promise<void>;
  /** Resolves an iteration whenever something observable may have changed (watch / event). */
  changes(signal: AbortSignal): AsyncIterable<void>;
  lock(holder: string, ttlMs: number): Promise<Lock>;
  ledger(): Ledger;
}
