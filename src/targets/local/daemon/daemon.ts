/**
 * The local target's backend: one per state folder. It owns the app processes (through the
 * supervisor), one proxy per environment, the ledger files, the environment locks and the control
 * API. `serveDaemon` is what `src/entries/daemon/main.ts` runs in the detached process; tests can run it
 * in-process too.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ledger } from '../../../engine/target.ts';
import type { Inventory } from '../keeper/protocol.ts';
import type { KeeperLink } from '../keeper/remote.ts';
import type { RevisionRuntime } from '../runtime.ts';
import { writeFileAtomic, writeJsonAtomic } from '../state/atomic.ts';
import { FileLedger } from '../state/ledger.ts';
import { LeaseStore } from '../state/lock.ts';
import { checkEnvironmentName, StatePaths } from '../state/paths.ts';
import { ensurePrivateFolder } from '../state/permissions.ts';
import { SecretStore } from '../state/secret-store.ts';
import { reapOrphans, STATE_DIR_VAR } from '../supervisor/reaper.ts';
import { MIN_REDACTED_LENGTH, tooShortToRedact } from '../supervisor/redact.ts';
import { MissingSecretError, resolveSecrets } from '../supervisor/secrets.ts';
import { baseEnv, findSetpriv, type SpawnApp } from '../supervisor/spawn.ts';
import { handle } from './api.ts';
import { Environment, HttpError } from './environment.ts';
import type { DaemonInfo, StatusAnswer } from './protocol/answers.ts';
import type { StartProxy } from './proxy-handle.ts';
import { adoptOne, type RecoveryHost, restoreOne } from './recovery.ts';
import type { EnsureRequest, ServedDaemon } from './served.ts';

export type { DaemonInfo, EnsureRequest };

export interface DaemonOptions {
  stateDir: string;
  startProxy: StartProxy;
  spawn?: SpawnApp;
  /** Structured log line sink; never given secret values. */
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Called after `POST /v1/shutdown` has stopped everything (the process entry exits). */
  onShutdown?: () => void;
  /** Extra routes served beside the control API (the dashboard), given the daemon once it listens. */
  mount?: (daemon: Daemon) => MountedRoutes;
  /**
   * The keeper that forked this daemon: proxies and app processes are started there (`startProxy`
   * should be `keeper.startProxy`), outlive the daemon, and are adopted by the next one.
   */
  keeper?: KeeperLink;
}

/** Routes mounted into the daemon's server: `handle` returns false for requests that are not its own. */
export interface MountedRoutes {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  close(): Promise<void>;
}

export class Daemon implements ServedDaemon {
  readonly paths: StatePaths;
  readonly token: string;
  readonly leases: LeaseStore;
  /** `source: env` values each release started with, for a restart without the deploying shell. */
  readonly secretStore: SecretStore;
  readonly startedAt = Date.now();
  readonly log: (msg: string, fields?: Record<string, unknown>) => void;
  #opts: DaemonOptions;
  #envs = new Map<string, Environment>();
  /** Environments with a ledger file, or opened since the daemon started. */
  #known = new Set<string>();
  #ledgers = new Map<string, FileLedger>();
  #server?: Server;
  #mounted?: MountedRoutes;
  #closing?: Promise<void>;
  /** Set when a restore failed, reported by status. */
  readonly restoreErrors = new Map<string, string>();
  /** Per environment: settles once the revisions it had before a restart are known again. */
  readonly #adopting = new Map<string, Promise<void>>();
  /**
   * Under a keeper, closed from the start until `restore` has begun adopting every environment:
   * the API listens before that, and must not answer about an environment not yet taken over.
   */
  readonly #gate: Promise<void>;
  #openGate: () => void = () => {};

  constructor(opts: DaemonOptions) {
    this.#opts = opts;
    this.#gate = opts.keeper ? new Promise<void>((r) => (this.#openGate = r)) : Promise.resolve();
    this.paths = new StatePaths(opts.stateDir);
    this.token = randomBytes(32).toString('hex');
    this.leases = new LeaseStore(this.paths);
    this.secretStore = new SecretStore(this.paths);
    this.log = opts.log ?? (() => {});
  }

  get port(): number {
    const addr = this.#server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('the daemon is not listening');
    return addr.port;
  }

  info(): DaemonInfo {
    const info: DaemonInfo = { pid: process.pid, port: this.port, startedAt: this.startedAt };
    const keeper = this.#opts.keeper;
    // Once the keeper died, the standby keeper this daemon started takes its place (if one runs).
    const keeperPid = keeper ? (keeper.lost ? keeper.standbyPid : process.ppid) : undefined;
    if (keeperPid !== undefined) info.keeperPid = keeperPid;
    return info;
  }

  /**
   * Resolves once the environment's revisions from before a restart are registered again, so that
   * no client observes an environment half restored (a CLI would take its candidate for gone).
   */
  async adopted(name: string): Promise<void> {
    await this.#gate;
    await this.#adopting.get(name);
  }

  statusAnswer(): StatusAnswer {
    return {
      ...this.info(),
      stateDir: this.paths.root,
      environments: this.environments().map((e) => {
        const problems = this.ledger(e.name).problems();
        const restoreError = this.restoreErrors.get(e.name);
        return {
          ...e.status(),
          ...(restoreError ? { restoreError } : {}),
          ...(problems.length ? { problems } : {}),
        };
      }),
    };
  }

  /** Creates the state folder, writes the token (0600) and `daemon.json`, and starts listening. */
  async listen(): Promise<DaemonInfo> {
    ensurePrivateFolder(this.paths.root);
    for (const name of await this.#environmentsOnDisk()) this.#known.add(name);
    await writeFileAtomic(this.paths.daemonToken, `${this.token}\n`, { mode: 0o600 });
    const server = createServer((req, res) => {
      if (!this.#mounted?.handle(req, res)) void handle(this, req, res);
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#server = server;
    this.#mounted = this.#opts.mount?.(this);
    const info = this.info();
    await writeJsonAtomic(this.paths.daemonInfo, info);
    if (!findSetpriv()) {
      this.log('setpriv (util-linux) not found: app processes may outlive a daemon killed with SIGKILL');
    }
    return info;
  }

  /** Declares an environment: from now on (and after a restart) its routes answer. */
  async openEnvironment(name: string): Promise<Environment> {
    checkEnvironmentName(name);
    if (!this.#known.has(name)) {
      await this.ledger(name).create();
      this.#known.add(name);
    }
    return this.environment(name);
  }

  /** Throws the API's 404 for an environment nobody opened. */
  requireEnvironment(name: string): void {
    if (!this.#known.has(name)) {
      throw new HttpError(
        404,
        `environment ${name} is not known to the daemon of ${this.paths.root}: nothing was ever deployed to it (deploy with slipway deploy --env ${name}, or check the name)`,
        { environment: name },
      );
    }
  }

  environment(name: string): Environment {
    this.requireEnvironment(name);
    let env = this.#envs.get(name);
    if (!env) {
      env = new Environment({
        name,
        startProxy: this.#opts.startProxy,
        artifactFolder: (digest) => this.paths.artifact(digest),
        logFile: (release, index) => this.paths.instanceLog(name, release, index),
        onWarning: (warning) => this.log(`warning: ${warning}`, { environment: name }),
        ...(this.#opts.keeper
          ? { spawn: this.#opts.keeper.spawner(name) }
          : this.#opts.spawn
            ? { spawn: this.#opts.spawn }
            : {}),
      });
      this.#envs.set(name, env);
    }
    return env;
  }

  environments(): Environment[] {
    return [...this.#envs.values()];
  }

  ledger(name: string): FileLedger {
    checkEnvironmentName(name);
    let l = this.#ledgers.get(name);
    if (!l) {
      l = new FileLedger(this.paths, name);
      this.#ledgers.set(name, l);
    }
    return l;
  }

  /** Starts (or scales) a release: artifact present, secrets resolved, proxy up, instances spawned. */
  async ensure(envName: string, req: EnsureRequest): Promise<void> {
    const env = this.environment(envName);
    const { runtime } = req;
    const folder = this.paths.artifact(runtime.digest);
    if (!(await stat(folder).catch(() => undefined))?.isDirectory()) {
      throw new HttpError(
        400,
        `artifact ${runtime.digest} of release ${runtime.release} is not in the local store (${folder}): build and pack it first (slipway deploy does)`,
      );
    }
    // What the CLI forwards wins; what this release started with before fills in (a restore, or a
    // resume from a shell without the variable); the daemon's own environment comes last.
    const provided = { ...(await this.secretStore.read(envName, runtime.release)), ...req.secretValues };
    let secrets: Record<string, string>;
    try {
      secrets = await resolveSecrets(runtime.secrets, {
        environment: envName,
        defaultFile: this.paths.secrets(envName),
        provided,
      });
    } catch (err) {
      if (err instanceof MissingSecretError) throw new HttpError(400, err.message, { secret: err.secret });
      throw err;
    }
    await this.secretStore.save(envName, runtime.release, envSourced(runtime, secrets));
    const short = tooShortToRedact(secrets);
    if (short.length)
      this.log(
        `warning: secret ${short.join(', ')} of release ${runtime.release} is shorter than ${MIN_REDACTED_LENGTH} characters, so it is not redacted from instance logs: use a longer value`,
        { environment: envName },
      );
    const isNew = !env.hasRevision(runtime.release);
    if (isNew)
      await writeJsonAtomic(this.paths.runtime(envName, runtime.release), { runtime, proxy: req.proxy });
    const processEnv = {
      ...baseEnv(),
      ...runtime.env,
      ...secrets,
      SLIPWAY_ENVIRONMENT: envName,
      SLIPWAY_RELEASE: String(runtime.release),
      [STATE_DIR_VAR]: this.paths.root,
    };
    // The proxy and the instances start side by side (restore is timed); if the proxy cannot take
    // its port, a revision started by this request is stopped again so nothing is left running.
    const [proxy, revision] = await Promise.allSettled([
      env.ensureProxy(req.proxy),
      env.ensureRevision(runtime, processEnv, req.replicas, req.adopt),
    ]);
    if (proxy.status === 'rejected') {
      if (isNew) await env.retire(runtime.release, 0).catch(() => {});
      throw proxy.reason;
    }
    if (revision.status === 'rejected') throw revision.reason;
    this.log('revision ensured', { environment: envName, release: runtime.release, replicas: req.replicas });
  }

  /** Routes each environment back to its last promoted release (after a restart or a crash). */
  async restore(): Promise<void> {
    let inventory: Inventory | undefined;
    try {
      inventory = await this.#opts.keeper?.hello();
      // Processes the keeper still runs are adopted below, not reaped (nor what they forked).
      const reaped = await reapOrphans(this.paths.root, inventory?.apps.map((a) => a.pid) ?? []);
      if (reaped.length) this.log('killed processes left by a previous daemon', { pids: reaped });
    } catch (err) {
      this.#openGate();
      throw err;
    }
    if (!inventory) {
      this.#openGate();
      await Promise.all([...this.#known].map((n) => restoreOne(this.#recoveryHost(), n)));
      return;
    }
    this.log('adopting what the keeper kept', {
      proxies: inventory.proxies.map((p) => p.port),
      apps: inventory.apps.length,
    });
    const host = this.#recoveryHost();
    const all = Promise.all([...this.#known].map((n) => adoptOne(host, n, inventory)));
    // Each adoptOne registered its own wait before its first await: the gate may open now.
    this.#openGate();
    await all;
  }

  /** The part of the daemon that recovery.ts works through. */
  #recoveryHost(): RecoveryHost {
    return {
      paths: this.paths,
      restoreErrors: this.restoreErrors,
      ...(this.#opts.keeper ? { keeper: this.#opts.keeper } : {}),
      log: this.log,
      ledger: (name) => this.ledger(name),
      environment: (name) => this.environment(name),
      ensure: (name, req) => this.ensure(name, req),
      hold: (name) => {
        let release: () => void = () => {};
        this.#adopting.set(name, new Promise<void>((r) => (release = r)));
        return release;
      },
    };
  }

  async #environmentsOnDisk(): Promise<string[]> {
    return (await readdir(this.paths.root).catch(() => [] as string[]))
      .map((f) => /^ledger\.([a-z0-9][a-z0-9-]{0,62})\.jsonl$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined);
  }

  /** The API's shutdown: stop everything, then let the process entry exit. */
  async shutdown(): Promise<void> {
    await this.close();
    this.#opts.onShutdown?.();
  }

  pids(): number[] {
    return this.environments().flatMap((e) => e.pids());
  }

  /** Graceful: stop every instance (SIGTERM, grace, SIGKILL), close proxies and the API. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#mounted?.close();
      await Promise.all(this.environments().map((e) => e.close()));
      await new Promise<void>((resolve) => {
        this.#server?.closeAllConnections();
        this.#server ? this.#server.close(() => resolve()) : resolve();
      });
      await rm(this.paths.daemonInfo, { force: true });
    })();
    return this.#closing;
  }
}

/** The resolved values of the release's `source: env` secrets, by the deployer's variable name. */
function envSourced(runtime: RevisionRuntime, resolved: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ref of runtime.secrets) {
    const v = resolved[ref.name];
    if (ref.source === 'env' && v !== undefined) out[ref.key] = v;
  }
  return out;
}

export type { Ledger };
