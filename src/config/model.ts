/**
 * The single conversion from a resolved environment config to the core's `ReleaseSpec`: human
 * durations become milliseconds, percentages become counts, canary steps become `CanaryStep`s.
 */
import { createHash } from 'node:crypto';
import type { AnalysisSpec, CanaryStep, CheckSpec, ReleaseSpec, Strategy } from '../core/spec.ts';
import { parseDuration } from './duration.ts';
import type { CanaryStepConfig, ResolvedConfig } from './schema/index.ts';

export interface ReleaseIdentity {
  environment: string;
  /** The candidate's release number (1, 2, 3… per environment). */
  release: number;
  /** `sha256:<64 hex>`: the OCI image digest or the local content digest. */
  digest: string;
  /** Human reference, e.g. `ghcr.io/acme/hello@sha256:…`. */
  ref?: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function toReleaseSpec(config: ResolvedConfig, id: ReleaseIdentity): ReleaseSpec {
  if (!DIGEST.test(id.digest))
    throw new TypeError(`artifact digest must be sha256:<64 hex>, got ${id.digest}`);
  if (!Number.isSafeInteger(id.release) || id.release < 1) {
    throw new TypeError(`release must be a whole number >= 1, got ${id.release}`);
  }
  return {
    service: config.service,
    environment: id.environment,
    release: id.release,
    artifact: id.ref === undefined ? { digest: id.digest } : { digest: id.digest, ref: id.ref },
    configHash: configHash(config),
    replicas: config.replicas,
    strategy: toStrategy(config),
    analysis: toAnalysis(config.analysis),
    progressDeadlineMs: ms(config.progressDeadline),
    drainMs: ms(
      config.target === 'local' ? config.proxy.drainTimeout : config.kubernetes.terminationGracePeriod,
    ),
  };
}

/** Validated durations always parse; a failure here is a programming error, not user input. */
function ms(duration: string): number {
  const value = parseDuration(duration);
  if (value === undefined) throw new TypeError(`not a validated duration: ${duration}`);
  return value;
}

/**
 * Kubernetes semantics for "count or percentage": surge rounds up, unavailable rounds down.
 * @example fromPercent('25%', 10, 'up') === 3; fromPercent('25%', 10, 'down') === 2
 */
export function fromPercent(value: number | string, replicas: number, round: 'up' | 'down'): number {
  if (typeof value === 'number') return value;
  const exact = (Number(value.slice(0, -1)) * replicas) / 100;
  return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
}

function toStrategy(config: ResolvedConfig): Strategy {
  const { rolling, canary } = config.strategy;
  const blueGreen = config.strategy['blue-green'];
  if (canary) {
    return {
      kind: 'canary',
      steps: canary.steps.map(toCanaryStep),
      continuousAnalysis: canary.continuousAnalysis,
    };
  }
  if (blueGreen) {
    return {
      kind: 'blue-green',
      prePromotionAnalysis: blueGreen.prePromotionAnalysis,
      autoPromote: blueGreen.autoPromote,
      scaleDownDelayMs: ms(blueGreen.scaleDownDelay),
    };
  }
  const r = rolling ?? { maxSurge: 1, maxUnavailable: 0 };
  return {
    kind: 'rolling',
    maxSurge: Math.max(1, fromPercent(r.maxSurge, config.replicas, 'up')),
    maxUnavailable: fromPercent(r.maxUnavailable, config.replicas, 'down'),
  };
}

export function toCanaryStep(step: CanaryStepConfig): CanaryStep {
  if (step.setWeight !== undefined) return { kind: 'weight', weight: step.setWeight };
  if (step.pause !== undefined) {
    return step.pause.duration === undefined
      ? { kind: 'pause' }
      : { kind: 'pause', durationMs: ms(step.pause.duration) };
  }
  if (step.analysis !== undefined) return { kind: 'analysis', maxDurationMs: ms(step.analysis.maxDuration) };
  throw new TypeError('a validated canary step has exactly one kind');
}

function toAnalysis(a: ResolvedConfig['analysis']): AnalysisSpec {
  const spec: AnalysisSpec = {
    maxErrorRate: a.maxErrorRate,
    failureBudget: a.failureBudget,
    minSample: a.minSample,
    alpha: a.alpha,
    noData: a.noData,
  };
  if (a.latency) {
    spec.maxLatencyMs = a.latency.maxMs;
    // "p99 under maxMs" means at most 1% of requests may be slower than maxMs.
    if (a.latency.percentile !== undefined) spec.maxSlowRate = (100 - a.latency.percentile) / 100;
  }
  if (a.interval !== undefined) spec.intervalMs = ms(a.interval);
  if (a.queries?.length) spec.checks = a.queries.map((q) => toCheck(q, a.prometheus?.url));
  return spec;
}

type QueryConfig = NonNullable<ResolvedConfig['analysis']['queries']>[number];

/** A query's Prometheus is its own `address`, else the environment's (`analysis.prometheus.url`). */
function toCheck(q: QueryConfig, defaultUrl: string | undefined): CheckSpec {
  if (q.provider === 'http') {
    const { name, url, method, expectStatus } = q;
    return { kind: 'http', name, url, method, expectStatus, timeoutMs: ms(q.timeout) };
  }
  const address = q.address ?? defaultUrl;
  if (address === undefined)
    throw new TypeError(`query ${q.name} has no Prometheus address (config checks it)`);
  return {
    kind: 'prometheus',
    name: q.name,
    query: q.query,
    ...(q.max === undefined ? {} : { max: q.max }),
    ...(q.min === undefined ? {} : { min: q.min }),
    address,
    addressFrom: q.address === undefined ? 'default' : 'query',
  };
}

/** sha256 (hex) of the resolved config as canonical JSON: keys sorted, no whitespace. */
export function configHash(config: ResolvedConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
