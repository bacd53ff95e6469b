/**
 * The daemon's side of the keeper: a proxy handle and an app spawner that act through the IPC
 * channel to the keeper instead of in the daemon's process, so what they start outlives the daemon.
 * They have the shapes the daemon already uses (`ProxyHandle`, `SpawnApp`), so the environment and
 * the supervisor do not know where their proxy and processes live.
 */
import { EventEmitter } from 'node:events';
import type { PinPurpose, ProxyHandle } from '../daemon/proxy-handle.ts';
import { validateRouteTable } from '../proxy/routing.ts';
import type { ProxySettings } from '../runtime.ts';
import type { AppProcess, SpawnApp } from '../supervisor/spawn.ts';
import type {
  FromKeeper,
  Inventory,
  KeeperNotice,
  KeeperReplies,
  KeeperRequest,
  ToKeeper,
} from './protocol.ts';

/** The IPC channel of a forked daemon (`process.send` and `process.on('message')` in the daemon). */
export interface Channel {
  send(message: ToKeeper): unknown;
  onMessage(listener: (message: FromKeeper) => void): unknown;
}

export class KeeperLink {
  readonly #channel: Channel;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #apps = new Map<number, RemoteApp>();

  constructor(channel: Channel) {
    this.#channel = channel;
    channel.onMessage((m) => this.#onMessage(m));
  }

  request<R extends KeeperRequest>(req: R): Promise<KeeperReplies[R['op']]> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#channel.send({ ...req, id });
    });
  }

  notify(notice: KeeperNotice): void {
    this.#channel.send(notice);
  }

  /** What survived the previous daemon: proxies with their tables, live app processes. */
  hello(): Promise<Inventory> {
    return this.request({ op: 'hello' });
  }

  startProxy = async (settings: ProxySettings): Promise<ProxyHandle> => {
    const { port } = await this.request({ op: 'proxy.start', settings });
    return new RemoteProxy(this, port);
  };

  /** A spawner for one environment's instances (the keeper records which instance each is). */
  spawner(environment: string): SpawnApp {
    return (opts) => {
      const app = new RemoteApp(this);
      const { release, index, port } = opts.instance;
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
  adopt(app: number, pid: number): RemoteApp {
    const remote = new RemoteApp(this);
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
  readonly #link: KeeperLink;
  #app: number | undefined;
  /** A kill asked for before the keeper said which app this is. */
  #queued: NodeJS.Signals | undefined;

  constructor(link: KeeperLink) {
    super();
    this.#link = link;
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
    if (this.#app === undefined) this.#queued = signal;
    else this.#link.notify({ op: 'app.kill', app: this.#app, signal });
    return true;
  }
}

/** A proxy in the keeper. `setRoutes` is checked here, so a bad table still fails in the caller. */
class RemoteProxy implements ProxyHandle {
  readonly port: number;
  readonly #link: KeeperLink;

  constructor(link: KeeperLink, port: number) {
    this.#link = link;
    this.port = port;
  }

  setRoutes(table: Parameters<ProxyHandle['setRoutes']>[0]): void {
    validateRouteTable(table);
    this.#link.notify({ op: 'proxy.routes', port: this.port, table });
  }

  drain(revision: string, deadlineMs: number): Promise<unknown> {
    return this.#link.request({ op: 'proxy.drain', port: this.port, revision, deadlineMs });
  }

  counts() {
    return this.#link.request({ op: 'proxy.counts', port: this.port });
  }

  metrics(): Promise<string> {
    return this.#link.request({ op: 'proxy.metrics', port: this.port });
  }

  issuePin(revision: string, ttlMs: number, purpose?: PinPurpose) {
    const req = { op: 'proxy.pin' as const, port: this.port, revision, ttlMs };
    return this.#link.request(purpose ? { ...req, purpose } : req);
  }

  async close(): Promise<void> {
    await this.#link.request({ op: 'proxy.close', port: this.port });
  }
}
