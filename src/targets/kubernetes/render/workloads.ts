/** Namespace, ServiceAccount, the content-hashed ConfigMap, one Deployment per revision, HPA and PDB. */
import { createHash } from 'node:crypto';
import { parseDuration } from '../../../config/index.ts';
import {
  type KubeObject,
  LABEL,
  ownerLabels,
  podSelector,
  revisionName,
  revisionSelector,
} from '../objects.ts';
import type { RevisionInput, Scope } from './context.ts';
import { podTemplate, serviceAccountName } from './pod.ts';

const seconds = (d: string | undefined) =>
  d === undefined ? undefined : Math.ceil((parseDuration(d) ?? 0) / 1000);

export function namespace(scope: Scope): KubeObject[] {
  if (!scope.namespace) return [];
  const labels = ownerLabels(scope.owner, 'namespace');
  // Enforce what the pods are rendered to meet, so nothing weaker can be scheduled beside them.
  for (const mode of ['enforce', 'audit', 'warn'])
    labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
  return [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: scope.namespace, labels } }];
}

export function serviceAccount(scope: Scope): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: serviceAccountName(scope),
      namespace: scope.namespace,
      labels: ownerLabels(scope.owner, 'identity'),
      annotations: scope.config.kubernetes.serviceAccount?.annotations,
    },
    automountServiceAccountToken: false,
  };
}

/** Plain env as strings, plus the port variable. Named by content so a change rolls a new revision. */
export function configMap(scope: Scope): KubeObject {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(scope.config.env)) data[key] = String(value);
  data[scope.config.portEnv] = String(scope.config.port);
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : 1)));
  const hash = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 10);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: `${scope.owner.service}-env-${hash}`,
      namespace: scope.namespace,
      labels: ownerLabels(scope.owner, 'config'),
    },
    immutable: true,
    data: sorted,
  };
}

export function deployment(scope: Scope, revision: RevisionInput, configMapName: string): KubeObject {
  const rolling = scope.config.strategy.rolling;
  const labels = {
    ...ownerLabels(scope.owner, 'server', revision.release),
    [LABEL.version]: revision.digest.replace(':', '-').slice(0, 19),
  };
  // Rolling is the native Deployment strategy: one Deployment whose selector spans releases.
  const selector = rolling ? podSelector(scope.owner) : revisionSelector(scope.owner, revision.release);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deploymentName(scope, revision.release), namespace: scope.namespace, labels },
    spec: {
      replicas: revision.replicas,
      revisionHistoryLimit: 2,
      progressDeadlineSeconds: seconds(scope.config.progressDeadline),
      selector: { matchLabels: selector },
      // A revision's pods never change image (a new release is a new Deployment); surge keeps
      // capacity while a config-only change or a node drain replaces them.
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: rolling?.maxSurge ?? 1, maxUnavailable: rolling?.maxUnavailable ?? 0 },
      },
      template: podTemplate(scope, revision, configMapName, labels, selector),
    },
  };
}

/** `<service>-r<N>` per revision; rolling keeps one Deployment named `<service>`. */
export function deploymentName(scope: Scope, release: number): string {
  return scope.strategy === 'rolling' ? scope.owner.service : revisionName(scope.owner.service, release);
}

/** Lowest number of pods a revision keeps: the HPA minimum when autoscaling, else `replicas`. */
export function minimumPods(scope: Scope): number {
  return scope.config.autoscaling?.min ?? scope.config.replicas;
}

type Policy = NonNullable<NonNullable<NonNullable<Scope['config']['autoscaling']>['behavior']>['scaleUp']>;

function rules(p: Policy | undefined) {
  if (!p) return undefined;
  const periodSeconds = seconds(p.period) ?? 60;
  const policies = [
    ...(p.maxPercent === undefined ? [] : [{ type: 'Percent', value: p.maxPercent, periodSeconds }]),
    ...(p.maxPods === undefined ? [] : [{ type: 'Pods', value: p.maxPods, periodSeconds }]),
  ];
  return {
    stabilizationWindowSeconds: seconds(p.stabilizationWindow),
    selectPolicy: policies.length > 1 ? 'Max' : undefined,
    policies: policies.length > 0 ? policies : undefined,
  };
}

/** The HPA scales the stable revision; the candidate follows its weight (apply's job). */
export function hpa(
  scope: Scope,
  target = { apiVersion: 'apps/v1', kind: 'Deployment', name: '' },
): KubeObject[] {
  const a = scope.config.autoscaling;
  if (!a) return [];
  const name = target.name || deploymentName(scope, scope.stable);
  return [
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: {
        name: scope.owner.service,
        namespace: scope.namespace,
        labels: ownerLabels(scope.owner, 'autoscaling'),
      },
      spec: {
        scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name },
        minReplicas: a.min,
        maxReplicas: a.max,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCPU } },
          },
        ],
        behavior: a.behavior
          ? { scaleUp: rules(a.behavior.scaleUp), scaleDown: rules(a.behavior.scaleDown) }
          : undefined,
      },
    },
  ];
}

/**
 * One PDB over every pod of the service in the environment. Without config it allows one pod out
 * at a time; a configured `minAvailable` is checked against the minimum pod count by the
 * `pdb-allows-eviction` policy, so it can never block every eviction.
 */
export function pdb(scope: Scope): KubeObject {
  const p = scope.config.kubernetes.pdb;
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name: scope.owner.service,
      namespace: scope.namespace,
      labels: ownerLabels(scope.owner, 'availability'),
    },
    spec: {
      selector: { matchLabels: podSelector(scope.owner) },
      ...(p?.minAvailable !== undefined
        ? { minAvailable: p.minAvailable }
        : { maxUnavailable: p?.maxUnavailable ?? 1 }),
      // A crash-looping pod must not block node drains.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  };
}
