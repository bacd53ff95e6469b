/**
 * The daemon's side of the keeper: a proxy handle and an app spawner that act through the IPC
 * channel to the keeper instead of in the daemon's process, so what they start outlives the daemon.
 * They have the shapes the daemon already uses (`ProxyHandle`, `SpawnApp`), so the environment and
 * the supervisor do not know where their proxy and processes live.
 */
import { EventEmitter } from 'node:events';
import type { PinPurpose, ProxyHandle, StartProxy } from '../daemon/proxy-handle.ts';
import { type RouteTable, validateRouteTable } from '../proxy/routing.ts';
import type { ProxySettings } from '../runtime.ts';
import type { AppProcess, SpawnApp } from '../supervisor/spawn.ts';
import type {
  AppIdentity,
  FromKeeper,
  Inventory,
  KeeperNotice,
  KeeperReplies,
  KeeperRequest,
  StandbyState,
  ToKeeper,
} from './protocol.ts';
import { watchPid } from './watched.ts';

/** The IPC channel of a forked daemon (`process.send` and `process.on('message')` in the daemon). */
export interface Channel {
  send(message: ToKeeper): unknown;
  onMessage(listener: (message: FromKeeper) => void): unknown;
}

/** What the daemon runs itself once its keeper is gone (`takeOver`). */
export interface LocalHost {
  startProxy: StartProxy;
  spawn: SpawnApp;
}

export class KeeperLink {
  readonly #channel: Channel;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #apps = new Map<number, RemoteApp>();
  readonly #proxies = new Set<RemoteProxy>();
  #local: LocalHost | undefined;
  /** Once the keeper is gone: the app processes this daemon holds (orphans and its own), by pid. */
  readonly #held = new Map<number, AppIdentity>();
  #changed: (() => void) | undefined;
  /** The standby keeper this daemon started after its keeper died (entries/daemon/main.ts). */
  standbyPid: number | undefined;

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.onMessage((m) => this.#onMessage(m));
  }

  /** The keeper died and the daemon holds the proxies and apps itself (see `takeOver`). */
  get lost(): boolean {
    return this.#local !== undefined;
  }

  /**
   * The keeper is gone (its IPC channel closed: `kill -9`, a crash). Its listening sockets closed
   * with it, but the app processes live on (the keeper starts them without a parent-death signal).
   * The daemon binds every proxy port again in its own process with the last table it sent — a few
   * milliseconds after the keeper's death — and watches the orphaned apps by pid; what it starts
   * from now on are its own children. Requests in flight to the keeper fail. Resolves once every
   * port listens again; ports that could not be bound are returned with the reason.
   */
  async takeOver(local: LocalHost): Promise<{ port: number; error: string }[]> {
    if (this.#local) return [];
    this.#local = local;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new Error('the keeper died before it answered'));
    }
    const failed: { port: number; error: string }[] = [];
    await Promise.all(
      [...this.#proxies].map((p) =>
        p.takeOver(local.startProxy).catch((err: Error) => failed.push({ port: p.port, error: err.message })),
      ),
    );
    for (const app of this.#apps.values()) {
      app.orphaned();
      if (app.pid !== undefined && app.identity) this.#hold(app.pid, app.identity);
    }
    this.#apps.clear();
    this.#changed?.();
    return failed;
  }

  /**
   * Once the keeper is gone: what this daemon holds, for a standby keeper that takes it over if
   * the daemon dies too (keeper/main.ts `--successor`). `onChange` hears of every change to it.
   */
  standbyState(): StandbyState {
    return {
      proxies: [...this.#proxies].map((p) => ({ settings: { ...p.settings, port: p.port }, table: p.table })),
      apps: [...this.#held].map(([pid, identity]) => ({ ...identity, pid })),
    };
  }

  onChange(listener: () => void): void {
    this.#changed = listener;
  }

  /** A proxy table was set (or a proxy closed) while the daemon holds them itself. */
  changed(): void {
    if (this.#local) this.#changed?.();
  }

  /** Records a held app until it ends: our own child by its 'exit', an orphan by polling its pid. */
  #hold(pid: number, identity: AppIdentity, child?: AppProcess): void {
    this.#held.set(pid, identity);
    const gone = () => {
      this.#held.delete(pid);
      this.#changed?.();
    };
    if (child) child.once('exit', gone);
    else watchPid(pid, gone);
  }

  /** A closed proxy is not bound again on a takeover. */
  forget(proxy: ProxyHandle): void {
    this.#proxies.delete(proxy as RemoteProxy);
    this.changed();
  }

  request<R extends KeeperRequest>(req: R): Promise<KeeperReplies[R['op']]> {
    if (this.#local) return Promise.reject(new Error(`the keeper is gone; cannot ${req.op}`));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#channel.send({ ...req, id });
    });
  }

  notify(notice: KeeperNotice): void {
    if (!this.#local) this.#channel.send(notice);
  }

  /** What survived the previous daemon: proxies with their tables, live app processes. */
  hello(): Promise<Inventory> {
    return this.request({ op: 'hello' });
  }

  startProxy = async (settings: ProxySettings): Promise<ProxyHandle> => {
    if (this.#local) {
      // Kept behind a RemoteProxy all the same, so that a standby keeper hears of its tables.
      const local = await this.#local.startProxy(settings);
      const proxy = new RemoteProxy(this, local.port, settings, local);
      this.#proxies.add(proxy);
      this.changed();
      return proxy;
    }
    const { port } = await this.request({ op: 'proxy.start', settings });
    const proxy = new RemoteProxy(this, port, settings);
    this.#proxies.add(proxy);
    return proxy;
  };

  /** A spawner for one environment's instances (the keeper records which instance each is). */
  spawner(environment: string): SpawnApp {
    return (opts) => {
      const { release, index, port } = opts.instance;
      if (this.#local) {
        const child = this.#local.spawn(opts);
        if (child.pid !== undefined) this.#hold(child.pid, { environment, release, index, port }, child);
        this.#changed?.();
        return child;
      }
      const app = new RemoteApp(this, { environment, release, index, port });
      const { command, cwd, env, logFile } = opts;
      const spec = {
        command,
        cwd,
        env,
        logFile,
        ...(opts.secretNames ? { secretNames: opts.secretNames } : {}),
      };
      this.request({ op: 'app.spawn', spec: { ...spec, environment, release, index, port } }).then(
        (r) => {
          this.#apps.set(r.app, app);
          app.attach(r.app, r.pid);
        },
        (err: Error) => app.emit('error', err),
      );
      return app;
    };
  }

  /** A stand-in for an app process the keeper already runs (started for a previous daemon). */
  adopt(app: number, pid: number, identity: AppIdentity): RemoteApp {
    const remote = new RemoteApp(this, identity);
    this.#apps.set(app, remote);
    remote.attach(app, pid);
    return remote;
  }

  #onMessage(m: FromKeeper): void {
    if ('event' in m) {
      const app = this.#apps.get(m.app);
      if (!app) return;
      this.#apps.delete(m.app);
      if (m.event === 'app.exit') app.exited(m.code, m.signal);
      else app.emit('error', new Error(m.message));
      return;
    }
    const pending = this.#pending.get(m.id);
    if (!pending) return;
    this.#pending.delete(m.id);
    if (m.ok) pending.resolve(m.value);
    else
      pending.reject(Object.assign(new Error(m.error.message), m.error.code ? { code: m.error.code } : {}));
  }
}

/** An app process in the keeper, seen from the daemon: pid, exit, kill. */
export class RemoteApp extends EventEmitter implements AppProcess {
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  /** Which instance it is, so that a standby keeper can hand it to the next daemon. */
  readonly identity: AppIdentity | undefined;
  readonly #link: KeeperLink;
  #app: number | undefined;
  /** A kill asked for before the keeper said which app this is. */
  #queued: NodeJS.Signals | undefined;
  #orphan = false;

  constructor(link: KeeperLink, identity?: AppIdentity) {
    super();
    this.#link = link;
    this.identity = identity;
  }

  /**
   * The keeper that started this process is gone: it is no child of the daemon, so its exit is
   * seen by polling its pid (every 100 ms; a zombie counts as exited), and signals go to the pid directly.
   */
  orphaned(): void {
    this.#orphan = true;
    const pid = this.pid;
    if (pid === undefined) return void this.exited(null, null);
    watchPid(pid, () => this.exited(null, null));
  }

  attach(app: number, pid: number | undefined): void {
    this.#app = app;
    this.pid = pid;
    if (this.#queued) this.kill(this.#queued);
  }

  exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.#orphan) {
      try {
        if (this.pid !== undefined) process.kill(this.pid, signal);
      } catch {
        // already gone: the poll reports its exit
      }
      return true;
    }
    if (this.#app === undefined) this.#queued = signal;
    else this.#link.notify({ op: 'app.kill', app: this.#app, signal });
    return true;
  }
}

/**
 * A proxy in the keeper. `setRoutes` is checked here, so a bad table still fails in the caller. It
 * remembers the last table it sent, so that when the keeper dies the daemon can serve it itself.
 */
class RemoteProxy implements ProxyHandle {
  readonly port: number;
  readonly settings: ProxySettings;
  readonly #link: KeeperLink;
  #table: RouteTable = { revisions: [], weights: {} };
  /** The daemon's own proxy on this port once the keeper is gone. */
  #local: ProxyHandle | undefined;

  constructor(link: KeeperLink, port: number, settings: ProxySettings, local?: ProxyHandle) {
    this.#link = link;
    this.port = port;
    this.settings = settings;
    this.#local = local;
  }

  get table(): RouteTable {
    return this.#table;
  }

  /**
   * Binds this port in the daemon with the last table. The dying keeper's socket may close a moment
   * after its IPC channel does, so EADDRINUSE is retried for up to 2 s.
   */
  async takeOver(startProxy: StartProxy): Promise<void> {
    const deadline = Date.now() + 2000;
    for (;;) {
      try {
        this.#local = await startProxy({ ...this.settings, port: this.port });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    this.#local.setRoutes(this.#table);
  }

  setRoutes(table: Parameters<ProxyHandle['setRoutes']>[0]): void {
    validateRouteTable(table);
    this.#table = table;
    if (this.#local) {
      this.#local.setRoutes(table);
      this.#link.changed();
    } else this.#link.notify({ op: 'proxy.routes', port: this.port, table });
  }

  drain(revision: string, deadlineMs: number): Promise<unknown> {
    if (this.#local) return this.#local.drain(revision, deadlineMs);
    return this.#link.request({ op: 'proxy.drain', port: this.port, revision, deadlineMs });
  }

  async counts() {
    if (this.#local) return this.#local.counts();
    return this.#link.request({ op: 'proxy.counts', port: this.port });
  }

  async metrics(): Promise<string> {
    if (this.#local) return this.#local.metrics();
    return this.#link.request({ op: 'proxy.metrics', port: this.port });
  }

  async issuePin(revision: string, ttlMs: number, purpose?: PinPurpose) {
    if (this.#local) return this.#local.issuePin(revision, ttlMs, purpose);
    const req = { op: 'proxy.pin' as const, port: this.port, revision, ttlMs };
    return this.#link.request(purpose ? { ...req, purpose } : req);
  }

  async close(): Promise<void> {
    this.#link.forget(this);
    if (this.#local) return this.#local.close();
    await this.#link.request({ op: 'proxy.close', port: this.port });
  }
}
