/**
 * The dashboard's one timer: once a second it reads every environment (state and traffic
 * counters), keeps a bounded series of chart points per environment, and tells subscribers what
 * changed — a `state` message only when an environment's state differs from the last one sent, a
 * `sample` message with the new point. Pages never poll; however many are open, the sources are
 * read once per tick.
 */
import { type RevisionSample, windowStats } from '../../targets/samples.ts';
import type { EnvironmentState, RevisionPoint, SamplePoint } from '../protocol.ts';
import { type DashboardSource, type EnvironmentSource, gatherState } from '../source.ts';

export type HubMessage =
  | { type: 'state'; state: EnvironmentState }
  | { type: 'sample'; environment: string; point: SamplePoint };

export interface HubOptions {
  /** Sampling interval; default 1000 ms. */
  intervalMs?: number;
  /** Points kept per environment; default 3600 (an hour at 1 s). */
  maxPoints?: number;
  now?: () => number;
}

interface Tracked {
  source: EnvironmentSource;
  state?: EnvironmentState;
  stateJson?: string;
  last?: { at: number; samples: Record<string, RevisionSample> };
  series: SamplePoint[];
}

export class DashboardHub {
  readonly #source: DashboardSource;
  readonly #intervalMs: number;
  readonly #maxPoints: number;
  readonly #now: () => number;
  readonly #envs = new Map<string, Tracked>();
  readonly #listeners = new Set<(m: HubMessage) => void>();
  #timer?: NodeJS.Timeout;
  #ticking?: Promise<void>;

  constructor(source: DashboardSource, opts: HubOptions = {}) {
    this.#source = source;
    this.#intervalMs = opts.intervalMs ?? 1000;
    this.#maxPoints = opts.maxPoints ?? 3600;
    this.#now = opts.now ?? Date.now;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.#intervalMs);
    this.#timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  subscribe(listener: (m: HubMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Every environment's latest state and series (for a page that just connected). */
  snapshot(): { environments: EnvironmentState[]; series: Record<string, SamplePoint[]> } {
    const envs = [...this.#envs.values()].sort((a, b) => a.source.name.localeCompare(b.source.name));
    return {
      environments: envs.flatMap((e) => (e.state ? [e.state] : [])),
      series: Object.fromEntries(envs.map((e) => [e.source.name, [...e.series]])),
    };
  }

  source(name: string): EnvironmentSource | undefined {
    return this.#envs.get(name)?.source;
  }

  /** One look at everything; overlapping ticks are skipped, not queued. */
  tick(): Promise<void> {
    this.#ticking ??= this.#tick().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    let sources: EnvironmentSource[];
    try {
      sources = await this.#source.environments();
    } catch {
      return;
    }
    for (const s of sources) {
      if (!this.#envs.has(s.name)) this.#envs.set(s.name, { source: s, series: [] });
    }
    await Promise.all(sources.map((s) => this.#look(this.#envs.get(s.name) as Tracked)));
  }

  async #look(env: Tracked): Promise<void> {
    const at = this.#now();
    let state: EnvironmentState;
    try {
      state = await gatherState(env.source);
    } catch (err) {
      state = {
        name: env.source.name,
        target: env.source.target,
        weights: {},
        revisions: [],
        history: env.state?.history ?? [],
        error: (err as Error).message,
      };
    }
    const json = JSON.stringify(state);
    env.state = state;
    if (json !== env.stateJson) {
      env.stateJson = json;
      this.#emit({ type: 'state', state });
    }
    const samples = await env.source.sample().catch(() => undefined);
    if (!samples) return;
    const point: SamplePoint = { t: at / 1000, revisions: {} };
    if (env.last) {
      for (const [rev, s] of Object.entries(samples)) {
        // A revision that was not routed in this window has no rate to chart.
        if ((state.weights[rev] ?? 0) === 0 && s.requests === (env.last.samples[rev]?.requests ?? 0))
          continue;
        point.revisions[rev] = pointOf(windowStats(env.last.samples[rev], s, at - env.last.at));
      }
    }
    const ev = state.operation?.evidence;
    if (state.operation && ev) {
      point.evidence = { release: state.operation.release };
      if (ev.eValue !== undefined) point.evidence.eValue = ev.eValue;
      if (ev.threshold !== undefined) point.evidence.threshold = ev.threshold;
      if (ev.upperBound !== undefined) point.evidence.upperBound = ev.upperBound;
      if (ev.maxErrorRate !== undefined) point.evidence.maxErrorRate = ev.maxErrorRate;
      if (ev.failureBudget) point.evidence.budgetUsed = ev.candidateErrors / ev.failureBudget;
    }
    env.last = { at, samples };
    env.series.push(point);
    if (env.series.length > this.#maxPoints) env.series.splice(0, env.series.length - this.#maxPoints);
    this.#emit({ type: 'sample', environment: env.source.name, point });
  }

  #emit(m: HubMessage): void {
    for (const l of this.#listeners) l(m);
  }
}

function pointOf(s: ReturnType<typeof windowStats>): RevisionPoint {
  const p: RevisionPoint = { rps: Math.round(s.requestsPerSec * 10) / 10 };
  if (s.errorRate !== undefined) p.errorRate = s.errorRate;
  if (s.p50Ms !== undefined) p.p50Ms = s.p50Ms;
  if (s.p99Ms !== undefined) p.p99Ms = s.p99Ms;
  return p;
}
