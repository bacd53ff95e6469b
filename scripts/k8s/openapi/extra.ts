/**
 * Strict, hand-written subsets of three CRD schemas that are not in the Go module cache:
 * - `ExternalSecret` (external-secrets.io/v1), from https://external-secrets.io/latest/api/externalsecret/;
 * - `Rollout` (argoproj.io/v1alpha1), from https://argo-rollouts.readthedocs.io/en/stable/features/specification/;
 * - `PodMonitor` (monitoring.coreos.com/v1), from https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor.
 * Only the fields Slipway renders are listed, so an unexpected field is still an error; the pod
 * template reuses the real Kubernetes `PodTemplateSpec` definition.
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

const externalSecret = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: meta,
    spec: obj({
      refreshInterval: str,
      secretStoreRef: obj(
        { kind: { type: 'string', enum: ['SecretStore', 'ClusterSecretStore'] }, name: str },
        ['name'],
      ),
      target: obj({
        name: str,
        creationPolicy: { type: 'string', enum: ['Owner', 'Orphan', 'Merge', 'None'] },
      }),
      data: {
        type: 'array',
        items: obj({ secretKey: str, remoteRef: obj({ key: str, property: str }, ['key']) }, [
          'secretKey',
          'remoteRef',
        ]),
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
