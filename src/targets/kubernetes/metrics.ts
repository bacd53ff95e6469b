/**
 * Analysis evidence on Kubernetes: a Prometheus `MetricProvider` built from `analysis.prometheus`.
 * The default queries read the example app's `http_requests_total` (labelled `service` by the app)
 * per revision through the pod label `slipway.dev/release`, which Prometheus carries as
 * `slipway_dev_release` through the PodMonitor `render/monitoring.ts` renders (which also sets
 * `service` from the pod's `app.kubernetes.io/name`), and `namespace` from service discovery.
 */
import type { ResolvedConfig } from '../../config/index.ts';
import { type CountQueries, PrometheusProvider } from '../../providers/prometheus/index.ts';
import type { MetricProvider } from '../../providers/provider.ts';

const REVISION = 'namespace="{{namespace}}",service="{{service}}",slipway_dev_release="{{revision}}"';

export const DEFAULT_QUERIES: CountQueries = {
  requests: `sum(http_requests_total{${REVISION}})`,
  errors: `sum(http_requests_total{${REVISION},status_code=~"5.."})`,
};

/** No metric source: analysis sees "no data", and its `noData` policy decides. */
const noMetrics: MetricProvider = { counts: async () => ({}), isOnline: async () => false };

export interface KubernetesMetrics {
  provider: MetricProvider;
  /**
   * Said at deploy start: where the evidence comes from — checked, since a Prometheus that does
   * not answer from this machine (an in-cluster URL from a CI runner) means no data — or that
   * there is none and what the `noData` policy will then do.
   */
  source(): Promise<string>;
}

function noDataEffect(resolved: ResolvedConfig): string {
  const policy = resolved.analysis.noData;
  const effect = {
    inconclusive: 'every analysis step ends inconclusive at its maxDuration and the release is rolled back',
    fail: 'every analysis step fails at its maxDuration and the release is rolled back',
    pass: 'every analysis step passes at its maxDuration without evidence',
  }[policy];
  return `with noData: ${policy}, ${effect}`;
}

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
export class PrometheusUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusUrlError';
  }
}

export function kubernetesMetrics(
  resolved: ResolvedConfig,
  labels: { service: string; environment: string; namespace: string },
  env: NodeJS.ProcessEnv = {},
): KubernetesMetrics {
  const override = urlOverride(env);
  const configured = resolved.analysis.prometheus;
  const prom = override ? { ...configured, url: override } : configured;
  if (!prom) {
    const text = `analysis has no metric source (set analysis.prometheus.url): ${noDataEffect(resolved)}`;
    return { provider: noMetrics, source: async () => text };
  }
  const queries: CountQueries = {
    requests: prom.requests ?? DEFAULT_QUERIES.requests,
    errors: prom.errors ?? DEFAULT_QUERIES.errors,
    ...(prom.slow ? { slow: prom.slow } : {}),
  };
  const provider = new PrometheusProvider({ url: prom.url, queries, labels });
  return {
    provider,
    source: async () =>
      (await provider.isOnline())
        ? `analysis reads request counters from Prometheus at ${prom.url}`
        : `Prometheus at ${prom.url} does not answer from this machine: analysis sees no data while it does not (${noDataEffect(resolved)}); make the URL reachable from here, e.g. through kubectl port-forward`,
  };
}
