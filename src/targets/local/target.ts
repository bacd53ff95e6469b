/**
 * `LocalTarget`: the engine's view of one local environment. A thin client of the daemon, which
 * owns the processes, the proxy, the ledger and the lock; if the daemon was restarted (or killed
 * and started again), the next call finds the new one.
 */
import { dirname, resolve } from 'node:path';
import type { ReleaseSpec } from '../../core/spec.ts';
import type { Action, RevisionCounts, TargetObservation } from '../../core/types.ts';
import { type Ledger, type Lock, LockHeldError, type Target } from '../../engine/target.ts';
import type { MetricProvider } from '../../providers/provider.ts';
import { type DaemonClient, DaemonError, ensureDaemon } from './daemon/client.ts';
import { type LocalConfigView, proxyFromConfig, runtimeFromConfig } from './from-config.ts';
import { type Call, RemoteLedger } from './remote-ledger.ts';
import { checkEnvironmentName } from './state/paths.ts';
import { secretsFromEnv } from './supervisor/secrets.ts';

export interface LocalTargetOptions {
  /** The state folder (default: `.slipway/` beside slipway.yaml). */
  stateDir: string;
  environment: string;
  /** The environment's resolved configuration (what new releases run with). */
  config: LocalConfigView;
  /** Folder holding slipway.yaml; relative secret files are resolved from it. Default: the state folder's parent. */
  serviceDir?: string;
  /** Where `source: env` secrets are read (default `process.env`). */
  processEnv?: NodeJS.ProcessEnv;
}

/** Starts the daemon if needed and returns the environment's target. */
export async function openLocalTarget(opts: LocalTargetOptions): Promise<LocalTarget> {
  checkEnvironmentName(opts.environment);
  const target = new LocalTarget(opts, await ensureDaemon(opts.stateDir));
  await target.open();
  return target;
}

const POLL_MS = 25_000;

export class LocalTarget implements Target {
  readonly environment: string;
  #opts: LocalTargetOptions;
  #client: DaemonClient;
  #ledger: RemoteLedger;

  constructor(opts: LocalTargetOptions, client: DaemonClient) {
    this.environment = opts.environment;
    this.#opts = opts;
    this.#client = client;
    this.#ledger = new RemoteLedger(this.#call, opts.environment);
  }

  /** The proxy port users reach this environment on. */
  get proxyPort(): number | undefined {
    return this.#opts.config.proxy.port;
  }

  /** Declares the environment to the daemon (idempotent); its other routes answer 404 before. */
  async open(): Promise<void> {
    await this.#call('open', { params: this.#params, body: {} });
  }

  observe(): Promise<TargetObservation> {
    return this.#call('observe', { params: this.#params });
  }

  get #params(): { env: string } {
    return { env: this.environment };
  }

  async apply(actions: Action[], spec: ReleaseSpec): Promise<void> {
    for (const action of actions) {
      switch (action.kind) {
        case 'ensure-revision':
          await this.#ensure(action.release, action.replicas, spec);
          break;
        case 'set-traffic': {
          // The stable revision travels with the split: the daemon retries idempotent requests there.
          const stable = action.stable;
          await this.#call('traffic', {
            params: this.#params,
            body: { weights: action.weights, ...(stable === undefined ? {} : { stable }) },
          });
          break;
        }
        case 'retire-revision':
          await this.#call('retire', {
            params: this.#params,
            body: { release: action.release, drainMs: action.drainMs },
          });
          break;
      }
    }
  }

  async *changes(signal: AbortSignal): AsyncIterable<void> {
    let since = -1;
    let daemon = 0;
    while (!signal.aborted) {
      let answer: { seq: number; startedAt: number };
      try {
        const query = { since: String(since), timeoutMs: String(POLL_MS), daemon: String(daemon) };
        answer = await this.#call('changes', { params: this.#params, query }, signal);
      } catch (err) {
        if (signal.aborted) return;
        throw err;
      }
      // A restarted daemon counts from 0 again: that restart is itself a change.
      const restarted = daemon !== 0 && answer.startedAt !== daemon;
      daemon = answer.startedAt;
      if (since === -1) {
        since = answer.seq;
        continue;
      }
      if (answer.seq !== since || restarted) {
        since = answer.seq;
        yield;
      }
    }
  }

  async lock(holder: string, ttlMs: number): Promise<Lock> {
    try {
      const lease = await this.#call('lock', { params: this.#params, body: { holder, ttlMs } });
      return new LocalLock(this.#call, this.environment, lease, ttlMs);
    } catch (err) {
      if (err instanceof DaemonError && err.status === 409 && typeof err.details.holder === 'string') {
        throw new LockHeldError(err.details.holder, Number(err.details.expiresAt));
      }
      throw err;
    }
  }

  ledger(): Ledger {
    return this.#ledger;
  }

  /** The proxy's per-revision counters, as analysis evidence. */
  metrics(): MetricProvider {
    return {
      counts: (releases: number[]): Promise<Record<string, RevisionCounts>> =>
        this.#call('counts', { params: this.#params, query: { releases: releases.join(',') } }),
      isOnline: () => this.#client.healthy(),
    };
  }

  async #ensure(release: number, replicas: number, spec: ReleaseSpec): Promise<void> {
    const record = (await this.#ledger.releases()).find((r) => r.release === release);
    const isCandidate = release === (spec.revision ?? spec.release);
    const digest = record?.digest ?? (isCandidate ? spec.artifact.digest : undefined);
    if (!digest) {
      throw new Error(
        `release ${release} of ${this.environment} is not in its ledger: cannot tell which artifact to run`,
      );
    }
    // An older release runs as it was recorded; the candidate may not be recorded yet.
    const config = (record?.config as LocalConfigView | undefined) ?? this.#opts.config;
    const runtime = runtimeFromConfig(config, {
      release,
      digest,
      environment: this.environment,
      serviceDir: this.#opts.serviceDir ?? dirname(resolve(this.#opts.stateDir)),
    });
    await this.#call('ensure', {
      params: this.#params,
      body: {
        runtime,
        proxy: proxyFromConfig(this.#opts.config, this.environment),
        replicas,
        secretValues: secretsFromEnv(runtime.secrets, this.#opts.processEnv),
      },
    });
  }

  /** One request; when the daemon is gone (killed, restarted), find or start it and retry once. */
  #call: Call = async (name, req, signal) => {
    try {
      return await this.#client.call(name, req, signal);
    } catch (err) {
      if (err instanceof DaemonError || signal?.aborted) throw err;
      this.#client = await ensureDaemon(this.#opts.stateDir);
      return this.#client.call(name, req, signal);
    }
  };
}

class LocalLock implements Lock {
  readonly holder: string;
  expiresAt: number;
  readonly #call: Call;
  readonly #env: string;
  readonly #id: string;
  readonly #ttlMs: number;
  constructor(
    call: Call,
    env: string,
    lease: { id: string; holder: string; expiresAt: number },
    ttlMs: number,
  ) {
    this.#call = call;
    this.#env = env;
    this.#id = lease.id;
    this.holder = lease.holder;
    this.expiresAt = lease.expiresAt;
    this.#ttlMs = ttlMs;
  }
  async renew(): Promise<void> {
    const lease = await this.#call('renewLock', {
      params: { env: this.#env },
      body: { id: this.#id, ttlMs: this.#ttlMs },
    });
    this.expiresAt = lease.expiresAt;
  }
  async release(): Promise<void> {
    await this.#call('releaseLock', { params: { env: this.#env }, body: { id: this.#id } });
  }
}
