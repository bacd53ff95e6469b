/**
 * The local target's backend: one per state folder. It owns the app processes (through the
 * supervisor), one proxy per environment, the ledger files, the environment locks and the control
 * API. `serveDaemon` is what `daemon/main.ts` runs in the detached process; tests can run it
 * in-process too.
 */
import { randomBytes } from 'node:crypto';
import { readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Ledger } from '../../../engine/target.ts';
import type { Inventory } from '../keeper/protocol.ts';
import type { KeeperLink } from '../keeper/remote.ts';
import type { ProxySettings, RevisionRuntime } from '../runtime.ts';
import { writeFileAtomic, writeJsonAtomic } from '../state/atomic.ts';
import { FileLedger } from '../state/ledger.ts';
import { LeaseStore } from '../state/lock.ts';
import { checkEnvironmentName, StatePaths } from '../state/paths.ts';
import { ensurePrivateFolder } from '../state/permissions.ts';
import { readRuntime, readRuntimeOf } from '../state/runtime-file.ts';
import { reapOrphans, STATE_DIR_VAR } from '../supervisor/reaper.ts';
import { MissingSecretError, resolveSecrets } from '../supervisor/secrets.ts';
import { baseEnv, findSetpriv, type SpawnApp } from '../supervisor/spawn.ts';
import { adoptionPlan } from './adoption.ts';
import { handle } from './api.ts';
import { Environment, HttpError } from './environment.ts';
import type { DaemonInfo, StatusAnswer } from './protocol/answers.ts';
import type { StartProxy } from './proxy-handle.ts';
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
    this.log = opts.log ?? (() => {});
  }

  get port(): number {
    const addr = this.#server?.address() as AddressInfo | null | undefined;
    if (!addr) throw new Error('the daemon is not listening');
    return addr.port;
  }

  info(): DaemonInfo {
    const info: DaemonInfo = { pid: process.pid, port: this.port, startedAt: this.startedAt };
    if (this.#opts.keeper) info.keeperPid = process.ppid;
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
    let secrets: Record<string, string>;
    try {
      secrets = await resolveSecrets(runtime.secrets, {
        environment: envName,
        defaultFile: this.paths.secrets(envName),
        ...(req.secretValues ? { provided: req.secretValues } : {}),
      });
    } catch (err) {
      if (err instanceof MissingSecretError) throw new HttpError(400, err.message, { secret: err.secret });
      throw err;
    }
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
      await Promise.all([...this.#known].map((n) => this.#restoreOne(n)));
      return;
    }
    this.log('adopting what the keeper kept', {
      proxies: inventory.proxies.map((p) => p.port),
      apps: inventory.apps.length,
    });
    const all = Promise.all([...this.#known].map((n) => this.#adoptOne(n, inventory)));
    // Each #adoptOne registered its own wait before its first await: the gate may open now.
    this.#openGate();
    await all;
  }

  async #environmentsOnDisk(): Promise<string[]> {
    return (await readdir(this.paths.root).catch(() => [] as string[]))
      .map((f) => /^ledger\.([a-z0-9][a-z0-9-]{0,62})\.jsonl$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined);
  }

  async #restoreOne(name: string): Promise<void> {
    try {
      const last = await this.ledger(name).lastPromoted();
      if (!last) return;
      const env = this.environment(name);
      env.stable = last.release;
      // Parsed with its schema; a damaged or missing file is rebuilt from the ledger record.
      const saved = await readRuntime(this.paths, name, last);
      if (saved.rebuilt) this.log(saved.rebuilt, { environment: name, release: last.release });
      await this.ensure(name, {
        runtime: saved.runtime,
        proxy: saved.proxy,
        replicas: saved.runtime.replicas,
      });
      const deadline = Date.now() + saved.runtime.startupTimeoutMs;
      for (;;) {
        const rev = env.observe().revisions.find((r) => r.release === last.release);
        if (rev?.failed) throw new Error(rev.failed);
        if (rev && rev.ready > 0) break;
        if (Date.now() > deadline) throw new Error('no instance became ready');
        await env.waitForChange(env.seq, deadline - Date.now());
      }
      env.setTraffic({ [String(last.release)]: 100 });
      // performance.now() counts from the process start: this is the whole restart, Node boot included.
      this.log('routing restored', {
        environment: name,
        release: last.release,
        msSinceStart: Math.round(performance.now()),
      });
    } catch (err) {
      const msg = `could not restore ${name} to its last promoted release: ${(err as Error).message}`;
      this.restoreErrors.set(name, msg);
      this.log(msg);
    }
  }

  /**
   * Restore under a keeper: adopt the releases whose processes survived (stable and candidate alike)
   * and the split the proxy still routes by; start what is missing; stop strays.
   */
  async #adoptOne(name: string, inventory: Inventory): Promise<void> {
    let registered: () => void = () => {};
    this.#adopting.set(name, new Promise<void>((r) => (registered = r)));
    const env = this.environment(name);
    try {
      const apps = inventory.apps.filter((a) => a.environment === name);
      const saved = new Map<number, SavedRuntime>();
      for (const release of new Set([
        ...apps.map((a) => a.release),
        ...(await this.#lastPromotedOrNone(name)),
      ])) {
        const s = await this.#savedRuntime(name, release);
        if (s) saved.set(release, s);
      }
      const port = [...saved.values()][0]?.proxy.port;
      const table = inventory.proxies.find((p) => p.port === port)?.table;
      for (const id of Object.keys(table?.weights ?? {})) {
        const s = saved.has(Number(id)) ? undefined : await this.#savedRuntime(name, Number(id));
        if (s) saved.set(Number(id), s);
      }
      const lastPromoted = (await this.#lastPromotedOrNone(name))[0];
      const plan = adoptionPlan({
        lastPromoted,
        replicasOf: new Map([...saved].map(([r, s]) => [r, s.runtime.replicas])),
        apps,
        table,
      });
      for (const stray of plan.strays)
        this.#opts.keeper?.notify({ op: 'app.kill', app: stray.app, signal: 'SIGTERM' });
      if (plan.releases.length === 0) return;
      env.adoptTraffic(plan.weights, plan.stable);
      await Promise.all(
        plan.releases.map((r) => {
          const s = saved.get(r.release)!;
          const adopt = new Map(
            r.adopt.map((a) => [a.index, { process: this.#opts.keeper!.adopt(a.app, a.pid), port: a.port }]),
          );
          return this.ensure(name, { runtime: s.runtime, proxy: s.proxy, replicas: r.replicas, adopt });
        }),
      );
      registered();
      await this.#awaitWeightedReady(env, plan.weights, saved);
      this.log('routing adopted', {
        environment: name,
        weights: plan.weights,
        adopted: plan.releases.map((r) => ({ release: r.release, instances: r.adopt.length })),
        msSinceStart: Math.round(performance.now()),
      });
    } catch (err) {
      const msg = `could not restore ${name} after the daemon restarted: ${(err as Error).message}`;
      this.restoreErrors.set(name, msg);
      this.log(msg);
    } finally {
      env.releaseHold();
      registered();
    }
  }

  async #lastPromotedOrNone(name: string): Promise<number[]> {
    const last = await this.ledger(name).lastPromoted();
    return last ? [last.release] : [];
  }

  /** Parsed with its schema; a damaged or missing file is rebuilt from the ledger record. */
  async #savedRuntime(name: string, release: number): Promise<SavedRuntime | undefined> {
    const record = (await this.ledger(name).releases()).find((r) => r.release === release);
    return readRuntimeOf(this.paths, name, release, record, (msg) =>
      this.log(msg, { environment: name, release }),
    );
  }

  async #awaitWeightedReady(
    env: Environment,
    weights: Record<string, number>,
    saved: Map<number, SavedRuntime>,
  ) {
    const releases = Object.entries(weights)
      .filter(([, w]) => w > 0)
      .map(([id]) => Number(id));
    const timeout = Math.max(...releases.map((r) => saved.get(r)?.runtime.startupTimeoutMs ?? 30_000), 0);
    const deadline = Date.now() + timeout;
    for (;;) {
      const revs = env.observe().revisions;
      const failed = revs.find((r) => releases.includes(r.release) && r.failed);
      if (failed) throw new Error(`release ${failed.release}: ${failed.failed}`);
      if (releases.every((r) => (revs.find((x) => x.release === r)?.ready ?? 0) > 0)) return;
      if (Date.now() > deadline)
        throw new Error(`no instance of release(s) ${releases.join(', ')} became ready`);
      await env.waitForChange(env.seq, deadline - Date.now());
    }
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

interface SavedRuntime {
  runtime: RevisionRuntime;
  proxy: ProxySettings;
}

export type { Ledger };
