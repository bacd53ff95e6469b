/**
 * Strict, hand-written subsets of three CRD schemas:
 * - `ExternalSecret` (external-secrets.io/v1), checked field by field against the upstream CRD
 *   (github.com/external-secrets/external-secrets@v1.3.2, config/crds/bases/, which
 *   scripts/k8s/build.sh fetches for the test cluster);
 * - `Rollout` (argoproj.io/v1alpha1), from https://argo-rollouts.readthedocs.io/en/stable/features/specification/;
 * - `PodMonitor` (monitoring.coreos.com/v1), checked against the upstream CRD
 *   (github.com/prometheus-operator/prometheus-operator@v0.85.0, example/prometheus-operator-crd/).
 * Only the fields Slipway renders are listed, so an unexpected field is still an error; where the
 * upstream schema constrains a rendered field (enum, pattern, length), the subset carries the same
 * constraint, so what passes here is not refused by the API server. The subset is stricter in two
 * deliberate ways: `secretStoreRef.name` is required, and relabeling actions are the lower-case
 * spellings only (the CRD also accepts `Replace`, `Keep`…). The pod template reuses the real
 * Kubernetes `PodTemplateSpec` definition.
 */
const ref = (name: string) => ({ $ref: `#/d/${name}` });
const str = { type: 'string' };
const int = { type: 'integer' };
const bool = { type: 'boolean' };
const meta = ref('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
const obj = (properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});

/** A DNS-1123 subdomain, as the ExternalSecret CRD constrains Secret and store names. */
const subdomain = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
};
const externalSecret = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: meta,
    spec: obj({
      refreshInterval: str,
      secretStoreRef: obj(
        { kind: { type: 'string', enum: ['SecretStore', 'ClusterSecretStore'] }, name: subdomain },
        ['name'],
      ),
      target: obj({
        name: subdomain,
        creationPolicy: { type: 'string', enum: ['Owner', 'Orphan', 'Merge', 'None'] },
      }),
      data: {
        type: 'array',
        items: obj(
          {
            // A key of the Secret it writes: the CRD allows what a Secret data key allows.
            secretKey: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[-._a-zA-Z0-9]+$' },
            remoteRef: obj({ key: str, property: str }, ['key']),
          },
          ['secretKey', 'remoteRef'],
        ),
      },
    }),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const step = obj({
  setWeight: int,
  pause: obj({ duration: str }),
});
const rollout = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: meta,
    spec: obj(
      {
        replicas: int,
        selector: ref('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'),
        template: ref('io.k8s.api.core.v1.PodTemplateSpec'),
        revisionHistoryLimit: int,
        progressDeadlineSeconds: int,
        progressDeadlineAbort: bool,
        strategy: obj({
          canary: obj({
            stableService: str,
            canaryService: str,
            maxSurge: { format: 'int-or-string' },
            maxUnavailable: { format: 'int-or-string' },
            steps: { type: 'array', items: step },
            trafficRouting: obj({
              plugins: {
                type: 'object',
                additionalProperties: obj({ httpRoute: str, namespace: str }, ['httpRoute']),
              },
            }),
          }),
          blueGreen: obj(
            {
              activeService: str,
              previewService: str,
              autoPromotionEnabled: bool,
              scaleDownDelaySeconds: int,
            },
            ['activeService'],
          ),
        }),
      },
      ['selector', 'template', 'strategy'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const relabeling = obj({
  action: {
    type: 'string',
    enum: [
      'replace',
      'keep',
      'drop',
      'hashmod',
      'labelmap',
      'labeldrop',
      'labelkeep',
      'lowercase',
      'uppercase',
      'keepequal',
      'dropequal',
    ],
  },
  sourceLabels: { type: 'array', items: { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' } },
  targetLabel: str,
  regex: str,
  replacement: str,
  separator: str,
});
const podMonitor = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: meta,
    spec: obj(
      {
        selector: ref('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector'),
        podMetricsEndpoints: {
          type: 'array',
          items: obj({
            port: str,
            path: str,
            interval: {
              type: 'string',
              pattern:
                '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$',
            },
            relabelings: { type: 'array', items: relabeling },
          }),
        },
      },
      ['selector'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

export const EXTRA_DEFINITIONS: Record<string, unknown> = {
  'io.argoproj.v1alpha1.Rollout': rollout,
  'io.external-secrets.v1.ExternalSecret': externalSecret,
  'com.coreos.monitoring.v1.PodMonitor': podMonitor,
};
export const EXTRA_KINDS: Record<string, string> = {
  'argoproj.io/v1alpha1/Rollout': 'io.argoproj.v1alpha1.Rollout',
  'external-secrets.io/v1/ExternalSecret': 'io.external-secrets.v1.ExternalSecret',
  'monitoring.coreos.com/v1/PodMonitor': 'com.coreos.monitoring.v1.PodMonitor',
};
