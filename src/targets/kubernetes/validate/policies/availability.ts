/** Rules about staying up and staying apart: PDB vs HPA, NetworkPolicy, topology spread. */
import { type KubeObject, objectRef } from '../../objects.ts';
import { type Json, matches, type PodRef, pods, type Rule } from './rule.ts';

/** Fewest pods the PDB's selector covers in steady state: the HPA minimum, else the replicas. */
function minimumPods(objects: readonly KubeObject[], selected: PodRef[]): number {
  const names = new Set(selected.map((p) => p.object.metadata.name));
  const hpa = objects.find(
    (o) => o.kind === 'HorizontalPodAutoscaler' && names.has((o as Json).spec?.scaleTargetRef?.name),
  ) as Json;
  if (typeof hpa?.spec?.minReplicas === 'number') return hpa.spec.minReplicas;
  return Math.max(0, ...selected.map((p) => p.replicas));
}

/** Pods a PDB lets go at the minimum size (0 = blocks every voluntary eviction). */
export function evictable(spec: Json, minimum: number): number {
  const amount = (v: number | string) =>
    typeof v === 'number' ? v : Math.ceil((Number.parseInt(v, 10) / 100) * minimum);
  if (spec.maxUnavailable !== undefined) {
    // Kubernetes rounds a maxUnavailable percentage up too.
    return Math.min(minimum, amount(spec.maxUnavailable));
  }
  if (spec.minAvailable !== undefined) return Math.max(0, minimum - amount(spec.minAvailable));
  return minimum;
}

function topology(key: string, hard: boolean): Rule['check'] {
  return (objects) =>
    pods(objects)
      .filter((p) => p.replicas > 1 || p.object.kind === 'Rollout')
      .filter(
        (p) =>
          !((p.spec.topologySpreadConstraints ?? []) as Json[]).some(
            (t) => t.topologyKey === key && (!hard || t.whenUnsatisfiable === 'DoNotSchedule'),
          ),
      )
      .map((p) => ({
        object: p.ref,
        path: `${p.path}.topologySpreadConstraints`,
        message: `has no ${hard ? 'DoNotSchedule ' : ''}spread over ${key}`,
      }));
}

export const availabilityRules: Rule[] = [
  {
    id: 'pdb-allows-eviction',
    description:
      'the PodDisruptionBudget lets at least one pod go at the HPA minimum (or replicas), so drains never block',
    check: (objects) =>
      objects
        .filter((o) => o.kind === 'PodDisruptionBudget')
        .flatMap((o) => {
          const spec = (o as Json).spec ?? {};
          const selected = pods(objects).filter((p) => matches(spec.selector?.matchLabels, p.labels));
          const minimum = minimumPods(objects, selected);
          if (selected.length === 0 || evictable(spec, minimum) > 0) return [];
          const field = spec.minAvailable !== undefined ? 'minAvailable' : 'maxUnavailable';
          return [
            {
              object: objectRef(o),
              path: `spec.${field}`,
              message: `${field} ${spec[field]} with a minimum of ${minimum} pods blocks every eviction (make it at most ${Math.max(0, minimum - 1)})`,
            },
          ];
        }),
  },
  {
    id: 'network-policy',
    description: 'every workload is selected by a NetworkPolicy that restricts ingress (deny by default)',
    check: (objects) => {
      const policies = objects.filter(
        (o) => o.kind === 'NetworkPolicy' && ((o as Json).spec?.policyTypes ?? []).includes('Ingress'),
      );
      return pods(objects)
        .filter((p) => !policies.some((np) => matches((np as Json).spec?.podSelector?.matchLabels, p.labels)))
        .map((p) => ({
          object: p.ref,
          path: 'spec.template.metadata.labels',
          message: 'no NetworkPolicy selects these pods',
        }));
    },
  },
  {
    id: 'topology-spread-zones',
    description:
      'replicas spread across zones with whenUnsatisfiable DoNotSchedule (a zone outage leaves capacity)',
    check: topology('topology.kubernetes.io/zone', true),
  },
  {
    id: 'topology-spread-nodes',
    description: 'replicas spread across nodes (kubernetes.io/hostname)',
    check: topology('kubernetes.io/hostname', false),
  },
];
