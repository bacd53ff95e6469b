/**
 * Messages between the keeper and the daemon it runs, over the Node IPC channel of `fork`. The
 * keeper holds what users depend on — each environment's proxy (listening socket, route table,
 * counters) and the app processes — and the daemon, which decides everything, drives it from here.
 * Requests carry an `id` and get exactly one reply; `routes`, `kill` and `stopping` are one-way.
 */
import type { RevisionCounters } from '../proxy/counters.ts';
import type { IssuedPin, PinPurpose } from '../proxy/index.ts';
import type { RouteTable } from '../proxy/routing.ts';
import type { ProxySettings } from '../runtime.ts';

/** Which instance an app process is, so that a restarted daemon can adopt it. */
export interface AppIdentity {
  environment: string;
  release: number;
  index: number;
  port: number;
}

export interface AppSpec extends AppIdentity {
  command: string;
  cwd: string;
  env: Record<string, string>;
  logFile: string;
  /** Which `env` entries are secrets, redacted from the log (`supervisor/redact.ts`). */
  secretNames?: string[];
}

/** What survived in the keeper: told to every daemon it starts, first thing. */
export interface Inventory {
  proxies: { port: number; table: RouteTable }[];
  apps: (AppIdentity & { app: number; pid: number })[];
}

export type KeeperRequest =
  | { op: 'hello' }
  | { op: 'proxy.start'; settings: ProxySettings }
  | { op: 'proxy.drain'; port: number; revision: string; deadlineMs: number }
  | { op: 'proxy.counts'; port: number }
  | { op: 'proxy.metrics'; port: number }
  /** The proxy holds the pin key, so the keeper signs (pins outlive a daemon restart with the proxy). */
  | { op: 'proxy.pin'; port: number; revision: string; ttlMs: number; purpose?: PinPurpose }
  | { op: 'proxy.close'; port: number }
  | { op: 'app.spawn'; spec: AppSpec };

export type KeeperNotice =
  | { op: 'proxy.routes'; port: number; table: RouteTable }
  | { op: 'app.kill'; app: number; signal: NodeJS.Signals }
  /** The daemon is shutting down on purpose: do not restart it, exit once it has. */
  | { op: 'stopping' };

export interface KeeperReplies {
  hello: Inventory;
  'proxy.start': { port: number; adopted: boolean };
  'proxy.drain': unknown;
  'proxy.counts': Record<string, RevisionCounters>;
  'proxy.metrics': string;
  'proxy.pin': IssuedPin;
  'proxy.close': null;
  'app.spawn': { app: number; pid: number | undefined };
}

export type ToKeeper = (KeeperRequest & { id: number }) | KeeperNotice;

export type FromKeeper =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { message: string; code?: string } }
  | { event: 'app.exit'; app: number; code: number | null; signal: NodeJS.Signals | null }
  | { event: 'app.error'; app: number; message: string };

/**
 * What a daemon that lost its keeper holds, told to the standby keeper it started (`--successor`)
 * on every change: if this daemon dies too, the standby binds these proxies with these tables at
 * once, watches these apps by pid, and starts a new daemon that adopts them (keeper/main.ts).
 */
export interface StandbyState {
  proxies: { settings: ProxySettings; table: RouteTable }[];
  apps: (AppIdentity & { pid: number })[];
}

/** From a daemon to the standby keeper it forked (the daemon is its parent here, not its child). */
export type ToStandby = { op: 'standby'; state: StandbyState } | { op: 'stopping' };
/** The standby listens: from now on what it is told is not lost, and it counts as the keeper. */
export type FromStandby = { op: 'ready' };

/** Set in the daemon's environment by the keeper that forked it. */
export const KEEPER_VAR = 'SLIPWAY_KEEPER';
