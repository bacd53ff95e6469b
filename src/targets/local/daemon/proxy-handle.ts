/**
 * The slice of the proxy (`../proxy/`) the daemon uses, so the daemon can be driven with the
 * real proxy in production and tests alike.
 */
import type { RevisionCounters } from '../proxy/counters.ts';
import type { IssuedPin, PinPurpose } from '../proxy/index.ts';
import type { RouteTable } from '../proxy/routing.ts';
import type { ProxySettings } from '../runtime.ts';

export type { RouteTable };

export interface ProxyHandle {
  readonly port: number;
  /** Replaces the whole table atomically. */
  setRoutes(table: RouteTable): void;
  /** Resolves when the revision has no request in flight, or at the deadline (stragglers cut). */
  drain(revisionId: string, deadlineMs: number): Promise<unknown>;
  counts(): Record<string, RevisionCounters> | Promise<Record<string, RevisionCounters>>;
  metrics(): string | Promise<string>;
  /** Signs a pin to the revision (see proxy/pins.ts): a user pin, or a check pin for analysis checks. */
  issuePin(revisionId: string, ttlMs: number, purpose?: PinPurpose): IssuedPin | Promise<IssuedPin>;
  close(): Promise<void>;
}

export type { IssuedPin, PinPurpose };

export type StartProxy = (settings: ProxySettings) => Promise<ProxyHandle>;
