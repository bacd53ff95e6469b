/**
 * MemoryTarget: an in-memory TEST DOUBLE of `Target` + `Ledger` + `MetricProvider`, for engine
 * tests only (the real targets live in `src/targets/`). It runs on a virtual clock, with revision
 * readiness and failure scripted per release (`World`), per-revision traffic whose errors are drawn
 * from a seeded PRNG (so the judge sees realistic counts), and crash switches: after the k-th applied
 * action (or progress save) it "dies" — that action took effect, then every later call throws, as if
 * the process had been killed — until `revive()`.
 */
import type { ReleaseSpec } from '../../src/core/spec.ts';
import type {
  Action,
  LedgerEvent,
  OperatorCommand,
  Phase,
  RevisionCounts,
  TargetObservation,
} from '../../src/core/types.ts';
import {
  type Ledger,
  type Lock,
  LockHeldError,
  type ReleaseRecord,
  type Target,
} from '../../src/engine/target.ts';
import type { MetricProvider } from '../../src/providers/provider.ts';
import { binomial, mulberry32 } from './prng.ts';
import type { VirtualClock } from './virtual-clock.ts';
import { World } from './world.ts';

export class SimulatedCrash extends Error {
  constructor(what: string) {
    super(`simulated crash (${what})`);
    this.name = 'SimulatedCrash';
  }
}

export interface MemoryTargetOptions {
  clock: VirtualClock;
  /** PRNG seed for traffic; default 1. */
  seed?: number;
  /** User requests per second across all serving revisions; default 100. */
  rps?: number;
  /** Requests per second a ready revision without user traffic gets through its preview; default 10. */
  previewRps?: number;
}

const json = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export class MemoryTarget implements Target {
  readonly world = new World();
  readonly clock: VirtualClock;
  readonly metrics: MetricProvider;
  /** Every action and ledger line, in the order they took effect. */
  readonly log: Array<Action | { kind: 'ledger'; event: LedgerEvent }> = [];
  metricsOnline = true;
  /** When set, `metrics.counts` throws this. */
  metricsError?: Error;
  private observeFailures = 0;
  private dead = false;
  private crashAt?: number;
  private crashSaveAt?: number;
  /** How many times progress was saved. */
  saves = 0;
  /** Save numbers (1-based) whose envelope carried actions: the saves around applying a decision. */
  readonly actionSaves: number[] = [];
  private lockState?: { holder: string; expiresAt: number; token: number };
  private lockSeq = 0;
  private waiters = new Set<() => void>();
  private readonly store = {
    records: [] as ReleaseRecord[],
    events: new Map<number, LedgerEvent[]>(),
    progress: new Map<number, unknown>(),
    commands: new Map<number, OperatorCommand[]>(),
  };
  private readonly ledgerApi: Ledger;

  constructor(opts: MemoryTargetOptions) {
    this.clock = opts.clock;
    this.metrics = new SimulatedTraffic(this, opts.seed ?? 1, opts.rps ?? 100, opts.previewRps ?? 10);
    this.ledgerApi = this.makeLedger();
  }

  /** Dies right after the k-th effect from now (a target action or a ledger line). */
  crashAfter(k: number): void {
    this.crashAt = this.log.length + k;
  }

  /** Dies right after the k-th progress save from now (the save is durable, nothing after it ran). */
  crashAfterSave(k: number): void {
    this.crashSaveAt = this.saves + k;
  }

  revive(): void {
    this.dead = false;
    this.crashAt = undefined;
    this.crashSaveAt = undefined;
  }

  get isDead(): boolean {
    return this.dead;
  }

  async observe(): Promise<TargetObservation> {
    this.alive('observe');
    if (this.observeFailures > 0) {
      this.observeFailures--;
      throw new Error('simulated API blip: connection reset');
    }
    return json(this.world.observe(this.clock.now()));
  }

  async apply(actions: Action[], spec: ReleaseSpec): Promise<void> {
    void spec;
    for (const action of actions) {
      this.alive('apply');
      this.world.apply(json(action), this.clock.now());
      this.effect(action);
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  async *changes(signal: AbortSignal): AsyncIterable<void> {
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        this.waiters.add(resolve);
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (signal.aborted) return;
      yield;
    }
  }

  async lock(holder: string, ttlMs: number): Promise<Lock> {
    this.alive('lock');
    const now = this.clock.now();
    const cur = this.lockState;
    if (cur && cur.holder !== holder && cur.expiresAt > now)
      throw new LockHeldError(cur.holder, cur.expiresAt);
    const state = { holder, expiresAt: now + ttlMs, token: ++this.lockSeq };
    this.lockState = state;
    const lock: Lock = {
      holder,
      expiresAt: state.expiresAt,
      renew: async () => {
        this.alive('renew');
        if (this.lockState?.token !== state.token)
          throw new Error(`lock now held by ${this.lockState?.holder ?? 'nobody'}`);
        state.expiresAt = this.clock.now() + ttlMs;
        lock.expiresAt = state.expiresAt;
      },
      release: async () => {
        this.alive('release');
        if (this.lockState?.token === state.token) this.lockState = undefined;
      },
    };
    return lock;
  }

  /** Another holder takes the lock regardless (a partition, an operator forcing it). */
  stealLock(holder: string, ttlMs: number): void {
    this.lockState = { holder, expiresAt: this.clock.now() + ttlMs, token: ++this.lockSeq };
  }

  /** The next `n` observations fail, as an API server blip would. */
  failObservations(n: number): void {
    this.observeFailures = n;
  }

  /** Who holds the lock now, if it has not expired. */
  lockHolder(): string | undefined {
    const cur = this.lockState;
    return cur && cur.expiresAt > this.clock.now() ? cur.holder : undefined;
  }

  ledger(): Ledger {
    return this.ledgerApi;
  }

  private makeLedger(): Ledger {
    const s = this.store;
    const list = <T>(m: Map<number, T[]>, k: number) => m.get(k) ?? m.set(k, []).get(k)!;
    return {
      releases: async () => this.read(() => s.records),
      begin: async (record) => {
        this.alive('ledger');
        s.records.push(json(record));
      },
      append: async (event) => {
        this.alive('ledger');
        list(s.events, event.release).push(json(event));
        this.effect({ kind: 'ledger', event });
      },
      events: async (release) => this.read(() => s.events.get(release) ?? []),
      finish: async (release: number, outcome: Phase, reasons: string[], at: number) => {
        this.alive('ledger');
        const r = s.records.find((x) => x.release === release);
        if (!r) throw new Error(`finish: no release ${release}`);
        Object.assign(r, { outcome, reasons: [...reasons], finishedAt: at });
      },
      saveProgress: async (release, progress) => {
        this.alive('ledger');
        s.progress.set(release, json(progress));
        this.saves++;
        if (((progress as { intent?: { effects: unknown[] } })?.intent?.effects.length ?? 0) > 0) {
          this.actionSaves.push(this.saves);
        }
        if (this.crashSaveAt !== undefined && this.saves >= this.crashSaveAt) {
          this.dead = true;
          throw new SimulatedCrash(`after save ${this.saves}`);
        }
      },
      loadProgress: async (release) => this.read(() => s.progress.get(release)),
      command: async (release, command) => {
        this.alive('ledger');
        list(s.commands, release).push(json(command));
      },
      commands: async (release) => this.read(() => s.commands.get(release) ?? []),
    };
  }

  private effect(e: Action | { kind: 'ledger'; event: LedgerEvent }): void {
    this.log.push(json(e));
    if (this.crashAt !== undefined && this.log.length >= this.crashAt) {
      this.dead = true;
      throw new SimulatedCrash(`after effect ${this.log.length}`);
    }
  }

  /** A ledger read: fails on a dead engine, returns a copy (as if read back from disk). */
  private read<T>(value: () => T): T {
    this.alive('ledger');
    return json(value());
  }

  private alive(what: string): void {
    if (this.dead) throw new SimulatedCrash(`${what} on a dead engine`);
  }
}

/** Per-revision traffic: user requests by weight, preview requests for ready revisions without weight. */
class SimulatedTraffic implements MetricProvider {
  private readonly rand: () => number;
  private readonly totals = new Map<number, RevisionCounts>();
  private readonly carry = new Map<number, number>();
  private last?: number;
  private readonly target: MemoryTarget;
  private readonly rps: number;
  private readonly previewRps: number;
  constructor(target: MemoryTarget, seed: number, rps: number, previewRps: number) {
    this.target = target;
    this.rps = rps;
    this.previewRps = previewRps;
    this.rand = mulberry32(seed);
  }

  async isOnline(): Promise<boolean> {
    return this.target.metricsOnline;
  }

  async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    if (this.target.metricsError) throw this.target.metricsError;
    const now = this.target.clock.now();
    const dt = Math.max(0, now - (this.last ?? now)) / 1000;
    this.last = now;
    const world = this.target.world;
    for (const rev of world.observe(now).revisions) {
      const w = world.weights[String(rev.release)] ?? 0;
      const rate = w > 0 ? (this.rps * w) / 100 : rev.ready > 0 ? this.previewRps : 0;
      const exact = rate * dt + (this.carry.get(rev.release) ?? 0);
      const n = Math.floor(exact);
      this.carry.set(rev.release, exact - n);
      const errorRate = world.scripts.get(rev.release)?.errorRate ?? 0;
      const t = this.totals.get(rev.release) ?? { requests: 0, errors: 0, slow: 0 };
      this.totals.set(rev.release, {
        requests: t.requests + n,
        errors: t.errors + binomial(this.rand, n, errorRate),
        slow: 0,
      });
    }
    const out: Record<string, RevisionCounts> = {};
    for (const r of releases)
      out[String(r)] = { ...(this.totals.get(r) ?? { requests: 0, errors: 0, slow: 0 }) };
    return out;
  }
}
