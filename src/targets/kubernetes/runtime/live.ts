/** The revisions running in the cluster, read from their Deployments (the source of truth). */
import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { RevisionObservation } from '../../../core/types.ts';
import type { KubeClient } from '../client.ts';
import { LABEL, type Owner, ownershipSelector, podSelector } from '../objects.ts';
import { revisionFailure } from './failure.ts';

export interface LiveRevision {
  release: number;
  /** `sha256:…` from the pod template's image reference. */
  digest: string;
  replicas: number;
  ready: number;
  deployment: V1Deployment;
}

export const selectorString = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export function digestOf(d: V1Deployment): string {
  const image = d.spec?.template?.spec?.containers?.[0]?.image ?? '';
  const at = image.lastIndexOf('@');
  return at === -1 ? '' : image.slice(at + 1);
}

export async function liveRevisions(
  client: KubeClient,
  namespace: string,
  owner: Owner,
): Promise<LiveRevision[]> {
  const deployments = await client.list<V1Deployment>('apps/v1', 'Deployment', namespace, {
    labelSelector: ownershipSelector(owner),
  });
  return deployments
    .filter((d) => !d.metadata?.deletionTimestamp && d.metadata?.labels?.[LABEL.release])
    .map((d) => ({
      release: Number(d.metadata?.labels?.[LABEL.release]),
      digest: digestOf(d),
      replicas: d.spec?.replicas ?? 0,
      ready: d.status?.readyReplicas ?? 0,
      deployment: d,
    }))
    .sort((a, b) => a.release - b.release);
}

/** Desired/ready per revision, and `failed` with the reason and pod events when it cannot succeed. */
export async function observeRevisions(
  client: KubeClient,
  namespace: string,
  owner: Owner,
  live: LiveRevision[],
): Promise<RevisionObservation[]> {
  const short = live.filter((r) => r.ready < r.replicas || r.deployment.status?.conditions?.length);
  let pods: V1Pod[] = [];
  let events: CoreV1Event[] = [];
  if (short.some((r) => r.ready < r.replicas)) {
    [pods, events] = await Promise.all([
      client.list<V1Pod>('v1', 'Pod', namespace, { labelSelector: selectorString(podSelector(owner)) }),
      client.list<CoreV1Event>('v1', 'Event', namespace, { fieldSelector: 'involvedObject.kind=Pod' }),
    ]);
  }
  return live.map((r) => {
    const mine = pods.filter((p) => p.metadata?.labels?.[LABEL.release] === String(r.release));
    const failed = r.ready < r.replicas ? revisionFailure(r.deployment, mine, events) : undefined;
    return { release: r.release, desired: r.replicas, ready: r.ready, ...(failed ? { failed } : {}) };
  });
}
