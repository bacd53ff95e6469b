/**
 * The `PodMonitor` (prometheus-operator, `monitoring.coreos.com/v1`) that makes Prometheus scrape
 * the service's pods when `analysis.prometheus` is set, with the labels the default queries in
 * `../metrics.ts` filter on: `namespace` (added by the operator from service discovery),
 * `service` and `slipway_dev_release`. No Prometheus source, no PodMonitor: nothing reads the series.
 *
 * `service` is set from the pod's `app.kubernetes.io/name` (the Slipway service) rather than trusted
 * from the app: a target label wins over a scraped one (the app's moves to `exported_service`), so
 * the query's `service` always means the service Slipway deployed.
 */
import { type KubeObject, LABEL, ownerLabels, podSelector } from '../objects.ts';
import { HTTP, type Scope } from './context.ts';

/** Where the app serves Prometheus metrics; the config has no setting for it. */
export const METRICS_PATH = '/metrics';

/** Prometheus' `__meta_kubernetes_pod_label_<name>`: the label name with every non-word character as `_`. */
export const podLabelMeta = (label: string) => `__meta_kubernetes_pod_label_${label.replace(/\W/g, '_')}`;

export function podMonitor(scope: Scope): KubeObject[] {
  if (!scope.config.analysis.prometheus) return [];
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: {
        name: scope.owner.service,
        namespace: scope.namespace,
        labels: ownerLabels(scope.owner, 'metrics'),
      },
      spec: {
        selector: { matchLabels: podSelector(scope.owner) },
        podMetricsEndpoints: [
          {
            port: HTTP,
            path: METRICS_PATH,
            // Evidence arrives a scrape at a time: the platform default (often 30 s) would let a
            // broken candidate fail that long before analysis could see it.
            interval: scope.config.analysis.prometheus.scrapeInterval,
            relabelings: [
              {
                action: 'replace',
                sourceLabels: [podLabelMeta(LABEL.release)],
                targetLabel: 'slipway_dev_release',
              },
              { action: 'replace', sourceLabels: [podLabelMeta(LABEL.name)], targetLabel: 'service' },
            ],
          },
        ],
      },
    },
  ];
}
