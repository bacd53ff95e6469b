/**
 * The running instances of one release in one environment. Scaling adds or stops instances from
 * the top index down; a revision is `failed` as soon as one instance gives up (crash loop, never
 * listened, never ready), with that instance's reason.
 */
import type { RevisionObservation } from '../../../core/types.ts';
import type { Clock } from '../../../engine/clock.ts';
import type { RevisionRuntime } from '../runtime.ts';
import { type AdoptedProcess, Instance, type InstanceStatus } from './instance.ts';
import type { SpawnApp } from './spawn.ts';

export interface RevisionOptions {
  runtime: RevisionRuntime;
  cwd: string;
  env: Record<string, string>;
  logFile: (index: number) => string;
  onChange: () => void;
  /** Told once per revision: its instances listen on every interface (with the fix). */
  onWarning?: (warning: string) => void;
  spawn?: SpawnApp;
  /** Processes already running for this revision, by instance index (after a daemon restart). */
  adopt?: Map<number, AdoptedProcess>;
  /** Its instances' time (backoff, probes, deadlines, grace); default the system clock. */
  clock?: Clock;
}

export interface RevisionStatus extends RevisionObservation {
  digest: string;
  instances: InstanceStatus[];
}

export interface Upstream {
  host: string;
  port: number;
}

export class Revision {
  readonly release: number;
  #opts: RevisionOptions;
  #instances: Instance[] = [];
  #desired = 0;
  #warned = false;

  constructor(opts: RevisionOptions) {
    this.release = opts.runtime.release;
    this.#opts = opts;
  }

  get runtime(): RevisionRuntime {
    return this.#opts.runtime;
  }

  scale(replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new Error(`replicas must be a whole number >= 0, got ${replicas}`);
    }
    this.#desired = replicas;
    while (this.#instances.length < replicas) {
      const index = this.#instances.length;
      const adopted = this.#opts.adopt?.get(index);
      this.#opts.adopt?.delete(index);
      const inst = new Instance({
        index,
        runtime: this.#opts.runtime,
        cwd: this.#opts.cwd,
        env: this.#opts.env,
        logFile: this.#opts.logFile(index),
        onChange: this.#opts.onChange,
        onWarning: (w) => this.#warnOnce(w),
        ...(this.#opts.spawn ? { spawn: this.#opts.spawn } : {}),
        ...(this.#opts.clock ? { clock: this.#opts.clock } : {}),
        ...(adopted ? { adopt: adopted } : {}),
      });
      this.#instances.push(inst);
      inst.start();
    }
    const extra = this.#instances.splice(replicas);
    this.#opts.onChange();
    return Promise.all(extra.map((i) => i.stop())).then(() => this.#opts.onChange());
  }

  #warnOnce(warning: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#opts.onWarning?.(warning);
  }

  /** Ready instances only: what the proxy may send traffic to. */
  upstreams(): Upstream[] {
    return this.#instances
      .filter((i) => i.state === 'ready' && i.port !== undefined)
      .map((i) => ({ host: '127.0.0.1', port: i.port! }));
  }

  observe(): RevisionObservation {
    const obs: RevisionObservation = {
      release: this.release,
      desired: this.#desired,
      ready: this.upstreams().length,
    };
    const failed = this.#instances.find((i) => i.state === 'failed');
    if (failed) obs.failed = `instance ${failed.index}: ${failed.status().lastExit}`;
    return obs;
  }

  /** How an instance that had been ready ended ("instance 0 died while serving: exited with code 1 …"), if one did. */
  servingExit(): string | undefined {
    const inst = this.#instances.find((i) => i.servingExit !== undefined);
    return inst ? `instance ${inst.index} died while serving: ${inst.servingExit}` : undefined;
  }

  status(): RevisionStatus {
    return {
      ...this.observe(),
      digest: this.#opts.runtime.digest,
      instances: this.#instances.map((i) => i.status()),
    };
  }

  pids(): number[] {
    return this.#instances.flatMap((i) => (i.pid !== undefined ? [i.pid] : []));
  }

  async stop(graceMs?: number): Promise<void> {
    const all = this.#instances.splice(0);
    this.#desired = 0;
    await Promise.all(all.map((i) => i.stop(graceMs)));
    this.#opts.onChange();
  }
}
