/**
 * The typed release model: the one translation of a resolved environment (`ResolvedConfig`, the
 * validated document as written, which is what is stored, hashed and printed) into the values the
 * rest of Slipway works with. Human durations become milliseconds here and nowhere else,
 * percentages become counts, canary steps become `CanaryStep`s; the core gets its `ReleaseSpec`,
 * the local target its process and proxy settings.
 */
import { createHash } from 'node:crypto';
import type { AnalysisSpec, CanaryStep, CheckSpec, ReleaseSpec, Strategy } from '../core/spec.ts';
import { parseDuration } from './duration.ts';
import type { CanaryStepConfig, ResolvedConfig } from './schema/index.ts';

/** Everything the core needs for a release of this environment but its identity (number, artifact). */
export type ReleaseTemplate = Omit<ReleaseSpec, 'release' | 'revision' | 'artifact'>;

/** One health check of an instance, in milliseconds. */
export interface ProbeModel {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  failureThreshold: number;
}

/** A secret the local target reads: from a dotenv file (relative to slipway.yaml) or the deployer's environment. */
export interface LocalSecretModel {
  name: string;
  source: 'file' | 'env';
  key: string;
  path?: string;
  optional?: boolean;
}

/** What the local target runs: processes, their health checks and the environment's proxy. */
export interface LocalModel {
  artifact: { path: string; start: string; build?: string };
  portEnv: string;
  replicas: number;
  env: Record<string, string>;
  secrets: LocalSecretModel[];
  health: { startup: ProbeModel; readiness: ProbeModel; liveness: ProbeModel };
  proxy: {
    port: number;
    sticky: boolean;
    retry: { methods: string[]; budgetPercent: number };
    /** How long a retired revision may drain (`proxy.drainTimeout`). */
    drainMs: number;
    /** Signed pins honoured (`proxy.pinning.enabled`), and a pin's default lifetime (`proxy.pinning.ttl`). */
    pinning: { enabled: boolean; ttlMs: number };
  };
  /** Requests slower than this count as slow (`analysis.latency.maxMs`; 0 = none). */
  latencyBoundMs: number;
}

export interface ReleaseModel {
  environment: string;
  spec: ReleaseTemplate;
  /** Present when the environment runs on the local target. */
  local?: LocalModel;
}

/** The environment, translated once. `config` must have passed validation (`validateConfigFile`). */
export function releaseModel(config: ResolvedConfig, environment: string): ReleaseModel {
  const spec: ReleaseTemplate = {
    service: config.service,
    environment,
    configHash: configHash(config),
    replicas: config.replicas,
    strategy: toStrategy(config),
    analysis: toAnalysis(config.analysis),
    progressDeadlineMs: ms(config.progressDeadline),
    drainMs: ms(
      config.target === 'local' ? config.proxy.drainTimeout : config.kubernetes.terminationGracePeriod,
    ),
  };
  return { environment, spec, ...(config.target === 'local' ? { local: toLocal(config, environment) } : {}) };
}

function toLocal(config: ResolvedConfig, environment: string): LocalModel {
  const local = config.artifact.local;
  const port = config.proxy.port;
  // The config's target checks require both for a local environment; reaching here without is a bug.
  if (!local || port === undefined) {
    throw new TypeError(
      `environment ${environment}: a validated local environment has artifact.local and proxy.port`,
    );
  }
  const secrets = Object.entries(config.secrets).map(([name, ref]): LocalSecretModel => {
    if (ref.source !== 'file' && ref.source !== 'env') {
      throw new TypeError(`secrets.${name}: a validated local environment reads secrets from file or env`);
    }
    return {
      name,
      source: ref.source,
      key: ref.key,
      ...(ref.path === undefined ? {} : { path: ref.path }),
      ...(ref.optional === true ? { optional: true } : {}),
    };
  });
  const probe = (p: ResolvedConfig['health']['startup']): ProbeModel => ({
    path: p.path,
    intervalMs: ms(p.period),
    timeoutMs: ms(p.timeout),
    failureThreshold: p.failureThreshold,
  });
  return {
    artifact: {
      path: local.path,
      start: local.start,
      ...(local.build === undefined ? {} : { build: local.build }),
    },
    portEnv: config.portEnv,
    replicas: config.replicas,
    env: Object.fromEntries(Object.entries(config.env).map(([k, v]) => [k, String(v)])),
    secrets,
    health: {
      startup: probe(config.health.startup),
      readiness: probe(config.health.readiness),
      liveness: probe(config.health.liveness),
    },
    proxy: {
      port,
      sticky: config.proxy.sticky,
      retry: { methods: [...config.proxy.retry.methods], budgetPercent: config.proxy.retry.budgetPercent },
      drainMs: ms(config.proxy.drainTimeout),
      pinning: { enabled: config.proxy.pinning.enabled, ttlMs: ms(config.proxy.pinning.ttl) },
    },
    latencyBoundMs: config.analysis.latency?.maxMs ?? 0,
  };
}

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
    ...releaseModel(config, id.environment).spec,
    release: id.release,
    artifact: id.ref === undefined ? { digest: id.digest } : { digest: id.digest, ref: id.ref },
  };
}

/** Validated durations always parse; a failure here is a programming error, not user input. */
export function ms(duration: string): number {
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
      prePromotionAnalysis: blueGreen.prePromotionAnalysis !== false,
      ...(typeof blueGreen.prePromotionAnalysis === 'object'
        ? { analysisMaxDurationMs: ms(blueGreen.prePromotionAnalysis.maxDuration) }
        : {}),
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
