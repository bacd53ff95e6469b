/**
 * What the keeper holds for its daemon: the proxies (listening port, last route table, counters)
 * and the app processes. Each is started on the daemon's request and outlives the daemon, so a
 * killed daemon costs users nothing: the proxy keeps routing by the table it was last given to the
 * instances that keep running, until the next daemon adopts them (`hello` tells it what is here).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startProxy, type TrafficProxy } from '../proxy/index.ts';
import type { RouteTable } from '../proxy/routing.ts';
import { type AppProcess, spawnApp } from '../supervisor/spawn.ts';
import type {
  AppIdentity,
  FromKeeper,
  Inventory,
  KeeperNotice,
  KeeperRequest,
  StandbyState,
} from './protocol.ts';
import { WatchedProcess } from './watched.ts';

/** Our own child, or (for a standby keeper) an orphan watched by pid. */
type ChildOf = ReturnType<typeof spawnApp> | WatchedProcess;

interface HeldProxy {
  proxy: TrafficProxy;
  table: RouteTable;
}

export interface KeeperHostOptions {
  /** Events for the daemon (app exits); dropped while no daemon runs. */
  emit: (event: FromKeeper) => void;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class KeeperHost {
  readonly #opts: KeeperHostOptions;
  readonly #proxies = new Map<number, HeldProxy>();
  readonly #apps = new Map<number, { child: ChildOf; identity: AppIdentity }>();
  #nextApp = 1;

  constructor(opts: KeeperHostOptions) {
    this.#opts = opts;
  }

  /** Answers one request of the daemon (the reply's value). */
  async request(req: KeeperRequest): Promise<unknown> {
    switch (req.op) {
      case 'hello':
        return this.inventory();
      case 'proxy.start': {
        const held = this.#proxies.get(req.settings.port);
        if (held && req.settings.port !== 0) return { port: req.settings.port, adopted: true };
        const s = req.settings;
        const proxy = await startProxy({
          host: s.host ?? '127.0.0.1',
          port: s.port,
          sticky: s.sticky,
          retry: s.retry,
          latencyBoundMs: s.latencyBoundMs,
          onError: (error) => this.#opts.log(`proxy: ${error.message}`, { port: s.port }),
        });
        this.#proxies.set(proxy.port, { proxy, table: { revisions: [], weights: {} } });
        return { port: proxy.port, adopted: false };
      }
      case 'proxy.drain':
        return this.#proxy(req.port).proxy.drain(req.revision, req.deadlineMs);
      case 'proxy.counts':
        return this.#proxy(req.port).proxy.counts();
      case 'proxy.metrics':
        return this.#proxy(req.port).proxy.metrics();
      case 'proxy.pin':
        return this.#proxy(req.port).proxy.issuePin(req.revision, req.ttlMs, req.purpose);
      case 'proxy.close': {
        const held = this.#proxies.get(req.port);
        this.#proxies.delete(req.port);
        await held?.proxy.close();
        return null;
      }
      case 'app.spawn':
        return this.#spawn(req);
    }
  }

  /**
   * A standby keeper whose daemon died: bind each proxy port again with the table the daemon last
   * told us, and watch its apps (orphans now) by pid, so that users are served before the next
   * daemon has even booted; that daemon adopts all of it through `hello`. The dead daemon's sockets
   * may close a moment after its IPC channel, so EADDRINUSE is retried for up to 2 s. Ports that
   * could not be bound are returned with the reason.
   */
  async hold(state: StandbyState): Promise<{ port: number; error: string }[]> {
    for (const a of state.apps) {
      const { pid, ...identity } = a;
      this.#watch(new WatchedProcess(pid), identity);
    }
    const failed: { port: number; error: string }[] = [];
    await Promise.all(
      state.proxies.map(async ({ settings, table }) => {
        const deadline = Date.now() + 2000;
        for (;;) {
          try {
            await this.request({ op: 'proxy.start', settings });
            this.notice({ op: 'proxy.routes', port: settings.port, table });
            return;
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            if (e.code !== 'EADDRINUSE' || Date.now() > deadline)
              return void failed.push({ port: settings.port, error: e.message });
            await sleep(10);
          }
        }
      }),
    );
    return failed;
  }

  notice(n: KeeperNotice): void {
    if (n.op === 'proxy.routes') {
      const held = this.#proxy(n.port);
      held.proxy.setRoutes(n.table);
      held.table = n.table;
    } else if (n.op === 'app.kill') {
      this.#apps.get(n.app)?.child.kill(n.signal);
    }
  }

  inventory(): Inventory {
    return {
      proxies: [...this.#proxies].map(([port, h]) => ({ port, table: h.table })),
      apps: [...this.#apps]
        .filter(
          ([, a]) => a.child.pid !== undefined && a.child.exitCode === null && a.child.signalCode === null,
        )
        .map(([app, a]) => ({ app, pid: a.child.pid!, ...a.identity })),
    };
  }

  /** The keeper is going away: SIGTERM every app, SIGKILL after `graceMs`, close every proxy. */
  async close(graceMs: number): Promise<void> {
    const apps = [...this.#apps.values()].map((a) => a.child);
    const gone = apps.map(
      (c) =>
        new Promise<void>((r) =>
          c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()),
        ),
    );
    for (const c of apps) c.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of apps) c.kill('SIGKILL');
    }, graceMs);
    await Promise.all(gone);
    clearTimeout(timer);
    await Promise.all([...this.#proxies.values()].map((h) => h.proxy.close()));
    this.#proxies.clear();
  }

  #proxy(port: number): HeldProxy {
    const held = this.#proxies.get(port);
    if (!held) throw new Error(`the keeper runs no proxy on port ${port}`);
    return held;
  }

  #spawn(req: Extract<KeeperRequest, { op: 'app.spawn' }>): { app: number; pid: number | undefined } {
    const { command, cwd, env, logFile, secretNames, ...identity } = req.spec;
    mkdirSync(dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a', 0o600);
    let child: ChildOf;
    try {
      child = spawnApp({
        command,
        cwd,
        env,
        logFd: fd,
        logFile,
        ...(secretNames ? { secretNames } : {}),
        dieWithParent: false,
      });
    } finally {
      closeSync(fd); // the child holds its own copy
    }
    return { app: this.#watch(child, identity), pid: child.pid };
  }

  /** Records an app process and tells the daemon when it ends; returns its number. */
  #watch(child: ChildOf, identity: AppIdentity): number {
    const app = this.#nextApp++;
    this.#apps.set(app, { child, identity });
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      this.#apps.delete(app);
      // The daemon reads the log's tail on this event: let a redacted log reach the file first.
      const done = (child as AppProcess).logDone;
      const logged = done ? Promise.race([done, sleep(1000)]) : Promise.resolve();
      void logged.then(() => this.#opts.emit({ event: 'app.exit', app, code, signal }));
    });
    child.once('error', (error: Error) => {
      this.#apps.delete(app);
      this.#opts.emit({ event: 'app.error', app, message: error.message });
    });
    return app;
  }
}
