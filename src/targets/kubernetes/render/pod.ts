/**
 * The pod template of one revision: restricted Pod Security Standard, read-only root filesystem with
 * an emptyDir at /tmp, probes from `health`, requests/limits, digest-pinned image, env from the
 * content-hashed ConfigMap and secret references, topology spread across zones and nodes.
 */
import { parseDuration } from '../../../config/index.ts';
import { HTTP, type RevisionInput, type Scope } from './context.ts';
import { secretEnv } from './secrets.ts';

/** The UID/GID the example image runs as (examples/hello/Dockerfile: USER 10001:10001). */
export const RUN_AS = 10001;

type ProbeConfig = Scope['config']['health']['readiness'];

/**
 * Kubernetes probes count whole seconds (minimum 1), config allows milliseconds. The period and
 * timeout round up; the failure threshold is rescaled so the total failure window is not shorter
 * than configured: startup `500ms × 40` (20 s) becomes `1s × 20`.
 */
export function probe(p: ProbeConfig) {
  const periodMs = parseDuration(p.period) ?? 1000;
  const periodSeconds = Math.max(1, Math.ceil(periodMs / 1000));
  const timeoutSeconds = Math.min(
    periodSeconds,
    Math.max(1, Math.ceil((parseDuration(p.timeout) ?? 1000) / 1000)),
  );
  const failureThreshold = Math.max(1, Math.ceil((periodMs * p.failureThreshold) / (periodSeconds * 1000)));
  return { httpGet: { path: p.path, port: HTTP }, periodSeconds, timeoutSeconds, failureThreshold };
}

function resources(scope: Scope) {
  const r = scope.config.resources;
  const pick = (a?: { cpu?: string | number; memory?: string }) =>
    a && (a.cpu !== undefined || a.memory !== undefined)
      ? { cpu: a.cpu === undefined ? undefined : String(a.cpu), memory: a.memory }
      : undefined;
  return { requests: pick(r?.requests), limits: pick(r?.limits) };
}

export function image(scope: Scope, digest: string): string {
  return `${scope.config.artifact.image}@${digest}`;
}

function topologySpread(scope: Scope, selector: Record<string, string>) {
  const labelSelector = { matchLabels: selector };
  // A hard zone spread keeps one zone's loss from taking a revision down. The
  // topology-spread-zones waiver softens it (e.g. for a test cluster with one zone).
  const zone = scope.waived.has('topology-spread-zones') ? 'ScheduleAnyway' : 'DoNotSchedule';
  return [
    { labelSelector, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: zone },
    { labelSelector, maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' },
  ];
}

/** `selector`: the labels that pick this workload's pods (for the spread constraints). */
export function podTemplate(
  scope: Scope,
  revision: RevisionInput,
  configMap: string,
  labels: Record<string, string>,
  selector: Record<string, string>,
) {
  const { config } = scope;
  const grace = Math.ceil((parseDuration(config.kubernetes.terminationGracePeriod) ?? 30_000) / 1000);
  const secrets = secretEnv(scope);
  return {
    metadata: { labels },
    spec: {
      automountServiceAccountToken: false,
      serviceAccountName: serviceAccountName(scope),
      enableServiceLinks: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS,
        runAsGroup: RUN_AS,
        fsGroup: RUN_AS,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      terminationGracePeriodSeconds: grace,
      topologySpreadConstraints: topologySpread(scope, selector),
      containers: [
        {
          name: scope.owner.service,
          image: image(scope, revision.digest),
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: HTTP, containerPort: config.port, protocol: 'TCP' }],
          envFrom: [{ configMapRef: { name: configMap } }],
          env: secrets.length > 0 ? secrets : undefined,
          startupProbe: probe(config.health.startup),
          readinessProbe: probe(config.health.readiness),
          livenessProbe: probe(config.health.liveness),
          resources: resources(scope),
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            privileged: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            runAsUser: RUN_AS,
            runAsGroup: RUN_AS,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
        },
      ],
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
    },
  };
}

export function serviceAccountName(scope: Scope): string {
  return scope.config.kubernetes.serviceAccount?.name ?? scope.owner.service;
}
