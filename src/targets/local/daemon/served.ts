/**
 * What the control API (`api.ts`, `handlers.ts`) needs of the daemon that serves it. The API is
 * typed against this, not the `Daemon` class, so that `daemon.ts` can hand requests to `api.ts`
 * without the two importing each other.
 */
import type { ProxySettings, RevisionRuntime } from '../runtime.ts';
import type { FileLedger } from '../state/ledger.ts';
import type { LeaseStore } from '../state/lock.ts';
import type { SecretStore } from '../state/secret-store.ts';
import type { AdoptedProcess } from '../supervisor/instance.ts';
import type { Environment } from './environment.ts';
import type { DaemonInfo, StatusAnswer } from './protocol/answers.ts';

export interface EnsureRequest {
  runtime: RevisionRuntime;
  proxy: ProxySettings;
  replicas: number;
  /** Values of `runtime.secrets` from the CLI's environment; kept for restarts in the 0600 secret store. */
  secretValues?: Record<string, string> | undefined;
  /** Running processes to supervise instead of starting new ones (a restarted daemon's adoption). */
  adopt?: Map<number, AdoptedProcess>;
}

export interface ServedDaemon {
  readonly token: string;
  /** The state folder, named in storage errors (a full or read-only file system). */
  readonly paths?: { readonly root: string };
  /** When this daemon process started (ms); clients compare it to notice a restart. */
  readonly startedAt: number;
  readonly leases: LeaseStore;
  readonly secretStore: SecretStore;
  log(msg: string, fields?: Record<string, unknown>): void;
  info(): DaemonInfo;
  statusAnswer(): StatusAnswer;
  shutdown(): Promise<void>;
  openEnvironment(name: string): Promise<Environment>;
  /** Throws the API's 404 for an environment nobody opened. */
  requireEnvironment(name: string): void;
  /** Resolves once the environment's revisions from before a restart are registered again. */
  adopted(name: string): Promise<void>;
  environment(name: string): Environment;
  environments(): Environment[];
  ledger(name: string): FileLedger;
  ensure(envName: string, req: EnsureRequest): Promise<void>;
}
