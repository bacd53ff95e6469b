/**
 * Prune: delete what Slipway owns in this environment (the three ownership labels, see
 * `objects.ts`) that the current render no longer produces. Objects without Slipway's
 * managed-by label are never listed, so never deleted. Deployments are not pruned here: a revision
 * leaves only through the engine's `retire-revision`, after its traffic has gone.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from '../client.ts';
import { type KubeObject, type Owner, objectRef, ownershipSelector } from '../objects.ts';

export const PRUNABLE: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  // Listing a kind whose CRD is not installed returns nothing, so clusters without
  // prometheus-operator prune as before.
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor' },
];

/** Owned objects that are not in `desired`, by `Kind/name`. Pure. */
export function strays(owned: KubernetesObject[], desired: readonly KubeObject[]): KubernetesObject[] {
  const keep = new Set(desired.map(objectRef));
  return owned.filter((o) => !keep.has(`${o.kind}/${o.metadata?.name}`));
}

/** What prune would delete: owned, prunable objects missing from `desired`. */
export async function findStrays(
  client: KubeClient,
  namespace: string,
  owner: Owner,
  desired: readonly KubeObject[],
): Promise<KubernetesObject[]> {
  // Nothing rendered (no revision runs): pruning would delete everything; that is not prune's call.
  if (desired.length === 0) return [];
  const labelSelector = ownershipSelector(owner);
  const owned = (
    await Promise.all(PRUNABLE.map((k) => client.list(k.apiVersion, k.kind, namespace, { labelSelector })))
  ).flat();
  return strays(owned, desired);
}

export async function pruneObjects(
  client: KubeClient,
  namespace: string,
  owner: Owner,
  desired: readonly KubeObject[],
  dryRun = false,
): Promise<string[]> {
  const gone = await findStrays(client, namespace, owner, desired);
  if (!dryRun) for (const o of gone) await client.delete(o);
  return gone.map((o) => `${o.kind}/${o.metadata?.name}`);
}
