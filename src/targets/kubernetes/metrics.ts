/**
 * Analysis evidence on Kubernetes: a Prometheus `MetricProvider` built from `analysis.prometheus`.
 * The default queries read the example app's `http_requests_total` (labelled `service` by the app)
 * per revision through the pod label `slipway.dev/release`, which Prometheus carries as
 * `slipway_dev_release` through the PodMonitor `render/monitoring.ts` renders (which also sets
 * `service` from the pod's `app.kubernetes.io/name`), and `namespace` from service discovery.
 *
 * With `analysis.latency.maxMs` set, slow requests default to the app's request-duration histogram:
 * every request minus those in the `le` bucket at maxMs. That bucket must exist — a boundary the
 * histogram lacks matches no series, and slow stays 0, so latency would silently never count. So
 * deploy says at start when maxMs is not one of the usual boundaries, and the first read with data
 * checks the bucket's series and reports once when it is missing.
 */
import type { ResolvedConfig } from '../../config/index.ts';
import { SlipwayError } from '../../core/fault.ts';
import type { RevisionCounts } from '../../core/types.ts';
import { type CountQueries, PrometheusProvider, template } from '../../providers/prometheus/index.ts';
import type { MetricProvider } from '../../providers/provider.ts';

const REVISION = 'namespace="{{namespace}}",service="{{service}}",slipway_dev_release="{{revision}}"';

export const DEFAULT_QUERIES: CountQueries = {
  requests: `sum(http_requests_total{${REVISION}})`,
  errors: `sum(http_requests_total{${REVISION},status_code=~"5.."})`,
};

/** The request-duration histogram (seconds) the default slow query reads, as examples/hello exports it. */
export const LATENCY_HISTOGRAM = 'http_request_duration_seconds';
/**
 * Its bucket boundaries in seconds: examples/hello's (examples/hello/src/metrics.ts), which are
 * prom-client's and most Prometheus clients' defaults.
 */
export const KNOWN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/**
 * The `le` matcher of the bucket at `seconds`. Prometheus 3 stores a whole-number boundary as
 * `le="1.0"` whatever the app exposes, 2.x as exposed (`le="1"` from prom-client): match both.
 */
export function leMatcher(seconds: number): string {
  const text = String(seconds);
  return Number.isInteger(seconds) ? `le=~"${text}|${text}[.]0"` : `le="${text}"`;
}

/** Default slow query: this revision's requests slower than `maxMs` (all of them minus the fast bucket). */
export function slowQuery(maxMs: number): string {
  return `sum(${LATENCY_HISTOGRAM}_count{${REVISION}}) - sum(${LATENCY_HISTOGRAM}_bucket{${REVISION},${leMatcher(maxMs / 1000)}})`;
}

const ms = (seconds: number) => `${Math.round(seconds * 1000)}`;

/** Said at deploy start when maxMs is not a known boundary; undefined when it is. */
export function boundaryWarning(maxMs: number): string | undefined {
  const seconds = maxMs / 1000;
  if ((KNOWN_BUCKETS as readonly number[]).includes(seconds)) return undefined;
  const below = KNOWN_BUCKETS.filter((b) => b < seconds).at(-1);
  const above = KNOWN_BUCKETS.find((b) => b > seconds);
  const nearest = [below, above].filter((b) => b !== undefined).map((b) => `${ms(b)}`);
  return (
    `analysis.latency.maxMs ${maxMs} is not a bucket boundary of the usual ${LATENCY_HISTOGRAM} histogram ` +
    `(${KNOWN_BUCKETS.map(ms).join(', ')} ms): unless the app's histogram has a ${seconds} s bucket, ` +
    'the default slow query matches no series, slow requests count as 0 and latency is not enforced; ' +
    `set analysis.latency.maxMs to a boundary (${nearest.join(' or ')}) or analysis.prometheus.slow to a query for your histogram`
  );
}

/** No metric source: analysis sees "no data" (`source: 'none'`), and its `noData` policy decides. */
export const noMetrics: MetricProvider = {
  counts: async () => ({}),
  isOnline: async () => false,
  source: 'none',
};

export interface KubernetesMetrics {
  provider: MetricProvider;
  /**
   * Said at deploy start: where the evidence comes from — checked, since a Prometheus that does
   * not answer from this machine (an in-cluster URL from a CI runner) means no data — or that
   * there is none and what the `noData` policy will then do.
   */
  source(): Promise<string>;
}

/**
 * What the `noData` policy does to a release without a metric source. The same points as for a
 * candidate without requests (core/evidence.ts): an analysis step's maxDuration, a canary's last
 * step with continuousAnalysis, blue-green's progress deadline.
 */
function noDataEffect(resolved: ResolvedConfig): string {
  const policy = resolved.analysis.noData;
  const effect = {
    inconclusive:
      'every analysis step ends inconclusive at its maxDuration and the release is rolled back (set analysis.prometheus.url, or analysis.noData: pass to deploy without evidence)',
    fail: 'every analysis step fails at its maxDuration and the release is rolled back',
    pass: 'every analysis step passes at its maxDuration without evidence',
  }[policy];
  return `with analysis.noData: ${policy}, ${effect}`;
}

/** A Prometheus that does not answer is "cannot know", not "no data": the policy does not apply. */
const OFFLINE_EFFECT =
  'analysis cannot judge while it does not: every analysis step ends inconclusive at its maxDuration and the release is rolled back, whatever analysis.noData says';

/**
 * `SLIPWAY_PROMETHEUS_URL` replaces `analysis.prometheus.url` for one run: a CI runner outside the
 * cluster reaches Prometheus through a port-forward on 127.0.0.1, which the config cannot know.
 */
function urlOverride(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.SLIPWAY_PROMETHEUS_URL;
  if (url === undefined || url === '') return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new PrometheusUrlError(
      `SLIPWAY_PROMETHEUS_URL must be an http(s) URL such as http://127.0.0.1:9090, got ${JSON.stringify(url)}`,
    );
  }
  return url;
}

/** A bad `SLIPWAY_PROMETHEUS_URL` (exit 2). */
export class PrometheusUrlError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'PrometheusUrlError';
  }
}

/** Where a problem found while deploying goes when the caller gives no other place: stderr, once. */
const warnOnStderr = (message: string) => {
  process.stderr.write(`warning: ${message}\n`);
};

type Labels = { service: string; environment: string; namespace: string };

/**
 * The Prometheus provider with the default slow query: at the first read where a revision has
 * requests, it checks that the revision's `le` bucket exists and reports once when it does not.
 */
class LatencyCheckedProvider extends PrometheusProvider {
  readonly #labels: Labels;
  readonly #maxMs: number;
  readonly #report: (message: string) => void;
  #checked = false;

  constructor(
    opts: ConstructorParameters<typeof PrometheusProvider>[0],
    maxMs: number,
    report: (m: string) => void,
  ) {
    super(opts);
    this.#labels = opts.labels as Labels;
    this.#maxMs = maxMs;
    this.#report = report;
  }

  override async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    const out = await super.counts(releases);
    const withData = releases.filter((r) => (out[String(r)]?.requests ?? 0) > 0);
    if (!this.#checked && withData.length > 0) {
      // A failed check is tried again at the next read rather than reported as a missing bucket.
      const problem = await this.#missingBucket(withData).catch(() => null);
      if (problem !== null) {
        this.#checked = true;
        if (problem) this.#report(problem);
      }
    }
    return out;
  }

  /** Why the slow counts of these revisions cannot be right, or '' when every bucket is there. */
  async #missingBucket(releases: number[]): Promise<string> {
    const seconds = this.#maxMs / 1000;
    for (const release of releases) {
      const selector = template(REVISION, { ...this.#labels, revision: String(release) });
      const bucket = `${LATENCY_HISTOGRAM}_bucket`;
      const exact = await this.instant(`count(${bucket}{${selector},${leMatcher(seconds)}})`);
      if (exact.length > 0) continue;
      const les = await this.instant(`count by (le) (${bucket}{${selector}})`);
      const what = `revision ${release} of ${this.#labels.service} in ${this.#labels.namespace}`;
      const effect = `slow requests count as 0 and analysis.latency (maxMs ${this.#maxMs}) is not enforced`;
      const custom = `analysis.prometheus.slow to a query for the app's own latency metric`;
      if (les.length === 0) {
        return `${what} exports no ${LATENCY_HISTOGRAM} histogram, which the default slow query reads: ${effect}; export it (in seconds, with a bucket at maxMs) or set ${custom}`;
      }
      const bounds = les
        .map((s) => Number(s.labels.le))
        .filter((le) => Number.isFinite(le))
        .sort((a, b) => a - b)
        .map(ms);
      return `${what} has no ${bucket} series with le="${seconds}": ${effect}; set analysis.latency.maxMs to one of its boundaries (${bounds.join(', ')} ms) or ${custom}`;
    }
    return '';
  }
}

export function kubernetesMetrics(
  resolved: ResolvedConfig,
  labels: Labels,
  env: NodeJS.ProcessEnv = {},
  report: (message: string) => void = warnOnStderr,
): KubernetesMetrics {
  const override = urlOverride(env);
  const configured = resolved.analysis.prometheus;
  const prom = override ? { ...configured, url: override } : configured;
  if (!prom) {
    const text = `analysis has no metric source (set analysis.prometheus.url): ${noDataEffect(resolved)}`;
    return { provider: noMetrics, source: async () => text };
  }
  const maxMs = resolved.analysis.latency?.maxMs;
  // The default slow query only when latency is asked for and no query was given.
  const defaultSlow = prom.slow === undefined && maxMs !== undefined ? maxMs : undefined;
  const slow = prom.slow ?? (defaultSlow !== undefined ? slowQuery(defaultSlow) : undefined);
  const queries: CountQueries = {
    requests: prom.requests ?? DEFAULT_QUERIES.requests,
    errors: prom.errors ?? DEFAULT_QUERIES.errors,
    ...(slow ? { slow } : {}),
  };
  const opts = { url: prom.url, queries, labels };
  const provider =
    defaultSlow !== undefined
      ? new LatencyCheckedProvider(opts, defaultSlow, report)
      : new PrometheusProvider(opts);
  const warning = defaultSlow !== undefined ? boundaryWarning(defaultSlow) : undefined;
  return {
    provider,
    source: async () => {
      const where = (await provider.isOnline())
        ? `analysis reads request counters${defaultSlow !== undefined ? ` and ${LATENCY_HISTOGRAM} (slow: over ${defaultSlow} ms)` : ''} from Prometheus at ${prom.url}`
        : `Prometheus at ${prom.url} does not answer from this machine: ${OFFLINE_EFFECT}; make the URL reachable from here, e.g. through kubectl port-forward`;
      return warning ? `${where}\n${warning}` : where;
    },
  };
}
