/**
 * What the core needs to know about a release: the resolved, validated configuration reduced to
 * plain numbers (durations in milliseconds, weights and rates as numbers). `src/config` maps a
 * resolved `slipway.yaml` environment onto these types; nothing in `core/` parses YAML.
 */

/** One stage of a canary. */
export type CanaryStep =
  | { kind: 'weight'; weight: number } // send `weight` percent of traffic to the candidate
  | { kind: 'pause'; durationMs?: number } // wait; without a duration, until an operator promotes
  | { kind: 'analysis'; maxDurationMs: number }; // judge until a verdict, at most this long

export interface RollingStrategy {
  kind: 'rolling';
  /** Extra instances allowed above `replicas` during the roll, as an absolute count (>= 1). */
  maxSurge: number;
  /** Instances that may be missing below `replicas` during the roll (0 keeps full capacity). */
  maxUnavailable: number;
}

export interface BlueGreenStrategy {
  kind: 'blue-green';
  /** Judge the candidate through its preview before any user traffic reaches it. */
  prePromotionAnalysis: boolean;
  /**
   * The preview's own bound (`prePromotionAnalysis: { maxDuration }`): its time to receive requests,
   * after which the no-data policy decides a candidate without any and an inconclusive one is rolled
   * back, as at a canary analysis step's maxDuration. Without it, the progress deadline is the bound.
   */
  analysisMaxDurationMs?: number;
  /** Promote on a passing verdict (or when ready, without analysis); otherwise wait for `promote`. */
  autoPromote: boolean;
  /** Keep the old revision at full capacity this long after cutover, so rollback is one switch. */
  scaleDownDelayMs: number;
}

export interface CanaryStrategy {
  kind: 'canary';
  steps: CanaryStep[];
  /** Run analysis continuously through every step, not only in explicit analysis steps. */
  continuousAnalysis: boolean;
}

export type Strategy = RollingStrategy | BlueGreenStrategy | CanaryStrategy;

/**
 * Custom evidence beyond request counts (`analysis.queries`), read by the engine while the candidate
 * is under analysis and judged by the core (`analysis/checks.ts`): one number per read.
 */
export type CheckSpec = PrometheusCheckSpec | HttpCheckSpec;

/** A PromQL instant query about the candidate; it breaches when its value leaves `min`..`max`. */
export interface PrometheusCheckSpec {
  kind: 'prometheus';
  name: string;
  /** PromQL; `{{revision}}`, `{{service}}`, `{{environment}}`, `{{namespace}}` are substituted. */
  query: string;
  max?: number;
  min?: number;
  /** Prometheus base URL: the query's own `address`, else `analysis.prometheus.url`. */
  address: string;
  /**
   * Where `address` came from. Only the environment default may be replaced for one run
   * (`SLIPWAY_PROMETHEUS_URL`); a query's own address is always used as written.
   */
  addressFrom: 'query' | 'default';
}

/** One HTTP request against the candidate; it breaches on another status, a timeout or a failure. */
export interface HttpCheckSpec {
  kind: 'http';
  name: string;
  /** `{{revision}}` (and the other template names) are substituted, URL-encoded. */
  url: string;
  method: 'GET' | 'HEAD' | 'POST';
  expectStatus: number;
  timeoutMs: number;
}

/** What happens when analysis sees no requests at all for the candidate. */
export type NoDataPolicy = 'fail' | 'pass' | 'inconclusive';

export interface AnalysisSpec {
  /** Largest acceptable candidate error rate (5xx and connection failures), e.g. 0.01. */
  maxErrorRate: number;
  /** A request slower than this counts as bad, when set. */
  maxLatencyMs?: number;
  /**
   * A request slower than stable's current latency at this percentile (e.g. 99) counts as bad, when
   * set. With it or `maxLatencyMs`, the judge compares slow requests between candidate and stable.
   */
  latencyPercentile?: number;
  /**
   * Largest acceptable share of candidate requests slower than `maxLatencyMs` (e.g. 0.01 for "p99 under
   * maxLatencyMs"). Without it, slow requests are only compared with stable, not against a maximum.
   */
  maxSlowRate?: number;
  /** Hard stop: roll back once this many candidate requests have failed, whatever the statistics say. */
  failureBudget: number;
  /** Candidate requests needed before a `pass` can be given. */
  minSample: number;
  /** Bound on the probability of rolling back a candidate that is no worse than stable. */
  alpha: number;
  noData: NoDataPolicy;
  /** How often the engine re-reads the counters (and checks) while analysis runs; default 1000 ms. */
  intervalMs?: number;
  /** Custom evidence (`analysis.queries`); none when absent. */
  checks?: CheckSpec[];
}

export interface ArtifactRef {
  /** `sha256:<hex>`: an OCI image digest on Kubernetes, a content digest of the packed app locally. */
  digest: string;
  /** Human reference, e.g. `ghcr.io/acme/hello@sha256:…` or the local release folder. */
  ref?: string;
}

export interface ReleaseSpec {
  service: string;
  environment: string;
  /** The candidate's release number (1, 2, 3… per environment). */
  release: number;
  /**
   * Revision that runs this release, when it is not a new one: a rollback to release N whose
   * revision is still running reuses revision N (an instant switch). Defaults to `release`.
   */
  revision?: number;
  artifact: ArtifactRef;
  /** sha256 of the resolved configuration (secret values excluded). */
  configHash: string;
  /** Capacity the service needs; stable keeps it until promotion. */
  replicas: number;
  strategy: Strategy;
  analysis: AnalysisSpec;
  /** The release fails if it has not progressed for this long. */
  progressDeadlineMs: number;
  /** Drain deadline for a retired revision. */
  drainMs: number;
}
