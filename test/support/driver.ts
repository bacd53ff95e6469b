/**
 * Drives the pure `step` against a `World` by hand, with explicit time: the smallest harness for
 * phase-transition and property tests (no engine, no promises). Traffic is deterministic: each
 * revision gets `rps × weight` requests per second (`previewRps` while ready without weight), with
 * `errorRate` of them failing.
 */
import type { Decision } from '../../src/core/decision.ts';
import { checksDue } from '../../src/core/evidence.ts';
import type { ReleaseSpec } from '../../src/core/spec.ts';
import { step } from '../../src/core/step.ts';
import type {
  CheckReading,
  CheckResult,
  Observed,
  OperatorCommand,
  RevisionCounts,
} from '../../src/core/types.ts';
import { World } from './world.ts';

export class Driver {
  readonly world = new World();
  readonly decisions: Decision[] = [];
  readonly commands: OperatorCommand[] = [];
  now = 1_000_000;
  progress: unknown;
  rps = 100;
  previewRps = 10;
  metricsOnline = true;
  /** `none`: the target has no metric source at all (kubernetes without analysis.prometheus.url). */
  metricSource?: 'none';
  /** Hand `step` a deep-frozen observation: any write the core attempts throws. */
  freeze = false;
  /** Custom check results, read as the engine reads them: while analysis wants them, once per interval. */
  readChecks?: (now: number) => CheckResult[];
  checkReading?: CheckReading;
  private readonly counts = new Map<number, RevisionCounts>();
  private readonly exact = new Map<number, { n: number; e: number }>();
  private lastTraffic = this.now;
  readonly spec: ReleaseSpec;
  readonly stable?: number;

  constructor(spec: ReleaseSpec, stable?: number) {
    this.spec = spec;
    this.stable = stable;
    if (stable !== undefined) this.world.seed(stable, spec.replicas, this.now);
  }

  /** One decision at the current time; its actions are applied to the world. */
  step(): Decision {
    this.flowTraffic();
    const metrics: Record<string, RevisionCounts> = {};
    if (this.metricsOnline) for (const [r, c] of this.counts) metrics[String(r)] = { ...c };
    if (this.readChecks && checksDue(this.spec, this.progress, this.now, this.checkReading?.at))
      this.checkReading = { at: this.now, results: this.readChecks(this.now) };
    const observed: Observed = {
      ...this.world.observe(this.now),
      ...(this.checkReading ? { checks: this.checkReading } : {}),
      stable: this.stable,
      metrics,
      ...(this.metricSource ? { metricSource: this.metricSource } : {}),
      progress: this.progress,
      commands: [...this.commands],
    };
    const d = step(this.spec, this.freeze ? deepFreeze(observed) : observed, this.now);
    for (const a of d.effects) this.world.apply(a, this.now);
    this.progress = JSON.parse(JSON.stringify(d.memo));
    this.decisions.push(d);
    return d;
  }

  advance(ms: number): this {
    this.now += ms;
    return this;
  }

  command(kind: OperatorCommand['kind'], extra: { full?: boolean } = {}): this {
    this.commands.push({ kind, at: this.now, ...extra } as OperatorCommand);
    return this;
  }

  /** Steps (moving time to each wake-up, at most `tickMs` apart) until `until` holds or `max` steps. */
  runUntil(until: (d: Decision) => boolean, max = 2000, tickMs = 1000): Decision {
    let d = this.step();
    for (let i = 0; i < max && !until(d); i++) {
      const acted = d.effects.some((a) => a.kind !== 'record');
      if (!acted) this.now = Math.min(d.wakeAt ?? Infinity, this.now + tickMs);
      d = this.step();
    }
    return d;
  }

  private flowTraffic(): void {
    const dt = (this.now - this.lastTraffic) / 1000;
    this.lastTraffic = this.now;
    for (const rev of this.world.observe(this.now).revisions) {
      const w = this.world.weights[String(rev.release)] ?? 0;
      const rate = w > 0 ? (this.rps * w) / 100 : rev.ready > 0 ? this.previewRps : 0;
      const errRate = this.world.scripts.get(rev.release)?.errorRate ?? 0;
      const x = this.exact.get(rev.release) ?? { n: 0, e: 0 };
      x.n += rate * dt;
      x.e += rate * dt * errRate;
      this.exact.set(rev.release, x);
      this.counts.set(rev.release, { requests: Math.floor(x.n), errors: Math.floor(x.e), slow: 0 });
    }
  }
}

/** The weights of every `set-traffic` in a decision. */
export function trafficOf(d: Decision): Array<Record<string, number>> {
  return d.effects.flatMap((a) => (a.kind === 'set-traffic' ? [a.weights] : []));
}

export function kindsOf(d: Decision): string[] {
  return d.effects.map((a) => (a.kind === 'record' ? `record:${a.event.kind}` : a.kind));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
