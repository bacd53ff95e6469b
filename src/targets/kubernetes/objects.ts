/**
 * Shared shapes and label conventions for the Kubernetes objects Slipway renders, applies and prunes.
 *
 * Ownership: every object carries `app.kubernetes.io/managed-by: slipway`,
 * `app.kubernetes.io/part-of: <service>` and `slipway.dev/environment: <env>`; the prune logic
 * selects by exactly these three. Per-revision objects (Deployment `<service>-r<N>`, Service
 * `<service>-r<N>`) also carry `slipway.dev/release: "<N>"`.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export const MANAGED_BY = 'slipway';
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  version: 'app.kubernetes.io/version',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  environment: 'slipway.dev/environment',
  release: 'slipway.dev/release',
} as const;

/** What identifies one service in one environment. */
export interface Owner {
  service: string;
  environment: string;
}

/** Labels that select every pod of the service in this environment (all revisions). */
export function podSelector(owner: Owner): Record<string, string> {
  return { [LABEL.name]: owner.service, [LABEL.instance]: `${owner.service}-${owner.environment}` };
}

/** Labels that select the pods of one release. */
export function revisionSelector(owner: Owner, release: number): Record<string, string> {
  return { ...podSelector(owner), [LABEL.release]: String(release) };
}

/** The ownership labels (what prune selects by) plus name/instance and the object's component. */
export function ownerLabels(owner: Owner, component: string, release?: number): Record<string, string> {
  return {
    ...podSelector(owner),
    [LABEL.component]: component,
    [LABEL.partOf]: owner.service,
    [LABEL.managedBy]: MANAGED_BY,
    [LABEL.environment]: owner.environment,
    ...(release === undefined ? {} : { [LABEL.release]: String(release) }),
  };
}

/** Label selector string for list/watch/prune calls: `app.kubernetes.io/managed-by=slipway,…`. */
export function ownershipSelector(owner: Owner): string {
  return `${LABEL.managedBy}=${MANAGED_BY},${LABEL.partOf}=${owner.service},${LABEL.environment}=${owner.environment}`;
}

export const revisionName = (service: string, release: number) => `${service}-r${release}`;

/** `Deployment/hello-r3`: how objects are named in messages. */
export const objectRef = (o: Pick<KubeObject, 'kind' | 'metadata'>) => `${o.kind}/${o.metadata.name}`;

/** Deep copy with object keys sorted, `undefined` members dropped: the canonical, deterministic form. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== undefined).map(canonical) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out as T;
}
