/**
 * One environment inside the daemon: its proxy on the stable port, its running revisions, the
 * requested traffic split, and a change counter that wakes long-polling clients. Routes are
 * recomputed from the requested weights and the ready instances whenever either changes, and
 * always pushed to the proxy as one whole table (atomic switch).
 */
import type { RevisionCounts, TargetObservation } from '../../../core/types.ts';
import type { ProxySettings, RevisionRuntime } from '../runtime.ts';
import type { AdoptedProcess } from '../supervisor/instance.ts';
import { Revision } from '../supervisor/revision.ts';
import type { SpawnApp } from '../supervisor/spawn.ts';
import type { EnvironmentStatus } from './protocol/answers.ts';
import type { IssuedPin, PinPurpose, ProxyHandle, RouteTable, StartProxy } from './proxy-handle.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly details: Record<string, unknown>;
  constructor(status: number, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export interface EnvironmentOptions {
  name: string;
  startProxy: StartProxy;
  artifactFolder: (digest: string) => string;
  logFile: (release: number, index: number) => string;
  spawn?: SpawnApp;
  /** Called after every observable change (for logging). */
  onChange?: () => void;
  /** Problems worth a log line that stop nothing (an instance bound to every interface). */
  onWarning?: (warning: string) => void;
}

export type { EnvironmentStatus };

export class Environment {
  readonly name: string;
  #opts: EnvironmentOptions;
  #proxy?: ProxyHandle;
  #proxyStarting?: Promise<ProxyHandle>;
  #revisions = new Map<number, Revision>();
  #weights: Record<string, number> = {};
  /** The last promoted release: where idempotent requests are retried. */
  stable?: number;
  #seq = 0;
  #waiters = new Set<() => void>();
  /** `proxy.pinning.enabled` of the latest release's config: the route table carries it. */
  #pinning = false;
  /**
   * After a daemon restart the keeper's proxy still routes by the last table: no table is pushed
   * (an empty one would cut users off) until every revision with weight has a ready instance again.
   */
  #held = false;

  constructor(opts: EnvironmentOptions) {
    this.name = opts.name;
    this.#opts = opts;
  }

  get seq(): number {
    return this.#seq;
  }

  get proxy(): ProxyHandle | undefined {
    return this.#proxy;
  }

  /** Starts the environment's proxy on its stable port (once); a port in use is a clear error. */
  async ensureProxy(settings: ProxySettings): Promise<ProxyHandle> {
    const pinning = settings.pinning === true;
    if (pinning !== this.#pinning) {
      this.#pinning = pinning;
      this.#pushRoutes();
    }
    if (this.#proxy) {
      if (this.#proxy.port !== settings.port) {
        throw new HttpError(
          409,
          `environment ${this.name} already serves on port ${this.#proxy.port}; the new configuration asks for ${settings.port}: stop the daemon (slipway local down) to change the proxy port`,
        );
      }
      return this.#proxy;
    }
    this.#proxyStarting ??= this.#opts.startProxy(settings).catch((err: NodeJS.ErrnoException) => {
      this.#proxyStarting = undefined;
      if (err.code === 'EADDRINUSE' || /EADDRINUSE/.test(err.message)) {
        throw new HttpError(
          409,
          `proxy port ${settings.port} for environment ${this.name} is already in use by another process: free port ${settings.port} or set another proxy port in slipway.yaml`,
          { port: settings.port },
        );
      }
      throw err;
    });
    this.#proxy = await this.#proxyStarting;
    this.#pushRoutes();
    return this.#proxy;
  }

  /** Starts the release's instances, or scales them when it already runs. */
  async ensureRevision(
    runtime: RevisionRuntime,
    env: Record<string, string>,
    replicas: number,
    adopt?: Map<number, AdoptedProcess>,
  ): Promise<void> {
    let rev = this.#revisions.get(runtime.release);
    if (rev && rev.runtime.digest !== runtime.digest) {
      throw new HttpError(
        409,
        `release ${runtime.release} of ${this.name} already runs artifact ${rev.runtime.digest}, not ${runtime.digest}`,
      );
    }
    if (!rev) {
      rev = new Revision({
        runtime,
        cwd: this.#opts.artifactFolder(runtime.digest),
        env,
        logFile: (i) => this.#opts.logFile(runtime.release, i),
        onChange: () => this.#changed(),
        ...(this.#opts.onWarning ? { onWarning: this.#opts.onWarning } : {}),
        ...(this.#opts.spawn ? { spawn: this.#opts.spawn } : {}),
        ...(adopt ? { adopt } : {}),
      });
      // Kept in release order, however revisions arrive (a restarted daemon adopts them in the
      // order it finds their processes), so status and observe list them oldest first.
      this.#revisions = new Map(
        [...this.#revisions, [runtime.release, rev] as const].sort(([a], [b]) => a - b),
      );
    }
    await rev.scale(replicas);
  }

  hasRevision(release: number): boolean {
    return this.#revisions.has(release);
  }

  /**
   * Validates and applies a new split in one table swap. `stable` names the revision serving users
   * (where idempotent requests are retried); the core names it in every split (absent only when
   * nothing serves), so the daemon never has to guess it from ledger writes.
   */
  setTraffic(weights: Record<string, number>, stable?: number): void {
    const problems: string[] = [];
    let sum = 0;
    for (const [id, w] of Object.entries(weights)) {
      if (!Number.isInteger(w) || w < 0 || w > 100)
        problems.push(`weight of revision ${id} is ${w}: use 0-100`);
      sum += w;
      if (w > 0) {
        const rev = this.#revisions.get(Number(id));
        if (!rev)
          problems.push(`revision ${id} does not run in ${this.name}: ensure it before sending it traffic`);
        else if (rev.upstreams().length === 0) {
          problems.push(`revision ${id} has no ready instance: wait for readiness before sending it traffic`);
        }
      }
    }
    if (Object.keys(weights).length && sum !== 100) problems.push(`weights sum to ${sum}, not 100`);
    if (problems.length)
      throw new HttpError(400, `cannot set traffic in ${this.name}: ${problems.join('; ')}`);
    this.#weights = { ...weights };
    if (stable !== undefined) this.stable = stable;
    this.#held = false;
    this.#changed();
  }

  /**
   * Takes over the split the keeper's proxy routes by (after a daemon restart) without pushing a
   * table until the weighted revisions are ready again; `releaseHold` ends the wait in any case.
   */
  adoptTraffic(weights: Record<string, number>, stable: number | undefined): void {
    this.#weights = { ...weights };
    if (stable !== undefined) this.stable = stable;
    this.#held = true;
  }

  releaseHold(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#changed();
  }

  /** Takes the revision out of routing, drains it with a deadline, then stops its instances. */
  async retire(release: number, drainMs: number): Promise<void> {
    const rev = this.#revisions.get(release);
    if (!rev) return;
    if ((this.#weights[String(release)] ?? 0) > 0) {
      throw new HttpError(
        409,
        `revision ${release} still has ${this.#weights[String(release)]}% of the traffic in ${this.name}: move its traffic away before retiring it`,
      );
    }
    delete this.#weights[String(release)];
    this.#revisions.delete(release);
    this.#changed();
    await this.#proxy?.drain(String(release), drainMs);
    await rev.stop();
  }

  /**
   * A candidate (any revision but stable) whose instance died while serving is reported failed at
   * once, with the exit: a release that crashes under traffic is not restarted back into analysis
   * (the crash-loop rule alone took ~20 s of backoff). Stable keeps its restarts.
   */
  observe(): TargetObservation {
    return {
      revisions: [...this.#revisions.values()].map((r) => {
        const obs = r.observe();
        if (obs.failed === undefined && this.stable !== undefined && r.release !== this.stable) {
          const exit = r.servingExit();
          if (exit !== undefined) obs.failed = exit;
        }
        return obs;
      }),
      weights: { ...this.#weights },
    };
  }

  /** Signs a pin to `release` (which must have a ready instance) for `ttlMs`. */
  async issuePin(release: number, ttlMs: number, purpose: PinPurpose = 'user'): Promise<IssuedPin> {
    if (purpose === 'user' && !this.#pinning) {
      throw new HttpError(
        409,
        `pinning is off in ${this.name}: set proxy.pinning.enabled: true in slipway.yaml and deploy, then ask again`,
      );
    }
    const rev = this.#revisions.get(release);
    if (!rev || rev.upstreams().length === 0 || !this.#proxy) {
      throw new HttpError(
        404,
        `release ${release} has no ready instance in ${this.name}: pin a release that runs (slipway status lists them)`,
      );
    }
    return this.#proxy.issuePin(String(release), ttlMs, purpose);
  }

  status(): EnvironmentStatus {
    const s: EnvironmentStatus = {
      name: this.name,
      weights: { ...this.#weights },
      revisions: [...this.#revisions.values()].map((r) => r.status()),
    };
    if (this.#proxy) s.proxyPort = this.#proxy.port;
    if (this.stable !== undefined) s.stable = this.stable;
    return s;
  }

  async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    const all = (await this.#proxy?.counts()) ?? {};
    const out: Record<string, RevisionCounts> = {};
    for (const r of releases) {
      const c = all[String(r)];
      out[String(r)] = { requests: c?.requests ?? 0, errors: c?.errors ?? 0, slow: c?.slow ?? 0 };
    }
    return out;
  }

  /** Resolves once `seq` moves past `since`, or after `timeoutMs`. */
  waitForChange(since: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    if (this.#seq > since) return Promise.resolve(this.#seq);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve(this.#seq);
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
      signal?.addEventListener('abort', done);
    });
  }

  routeTable(): RouteTable {
    const revisions = [...this.#revisions.values()];
    if (Object.keys(this.#weights).length === 0) return { revisions: [], weights: {} };
    const weights: Record<string, number> = {};
    for (const r of revisions) weights[String(r.release)] = this.#weights[String(r.release)] ?? 0;
    const table: RouteTable = {
      revisions: revisions.map((r) => ({ id: String(r.release), instances: r.upstreams() })),
      weights,
      pinning: this.#pinning,
    };
    const stable = this.#stableRevision(weights);
    if (stable !== undefined) table.stable = stable;
    return table;
  }

  async close(): Promise<void> {
    const revs = [...this.#revisions.values()];
    this.#revisions.clear();
    await Promise.all(revs.map((r) => r.stop()));
    await this.#proxy?.close();
    this.#proxy = undefined;
  }

  pids(): number[] {
    return [...this.#revisions.values()].flatMap((r) => r.pids());
  }

  #stableRevision(weights: Record<string, number>): string | undefined {
    if (this.stable !== undefined && this.#revisions.has(this.stable)) return String(this.stable);
    const top = Object.entries(weights).sort((a, b) => b[1] - a[1] || Number(a[0]) - Number(b[0]))[0];
    return top && top[1] > 0 ? top[0] : undefined;
  }

  #pushRoutes(): void {
    if (this.#held && !this.#weightedReady()) return;
    this.#held = false;
    this.#proxy?.setRoutes(this.routeTable());
  }

  #weightedReady(): boolean {
    return Object.entries(this.#weights).every(
      ([id, w]) => w === 0 || (this.#revisions.get(Number(id))?.upstreams().length ?? 0) > 0,
    );
  }

  #changed(): void {
    this.#pushRoutes();
    this.#seq++;
    for (const w of [...this.#waiters]) w();
    this.#opts.onChange?.();
  }
}
