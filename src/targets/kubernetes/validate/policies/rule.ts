/** What a policy rule is, and helpers to visit the pods of rendered workloads. */
import { type KubeObject, objectRef } from '../../objects.ts';

export interface Finding {
  rule: string;
  /** `Deployment/hello-r3` */
  object: string;
  /** Field path inside the object, kubectl style. */
  path: string;
  message: string;
}

export interface Rule {
  /** Kebab-case id, named by waivers (`kubernetes.waivers[].rule`). */
  id: string;
  /** One line: what the rule requires and why. */
  description: string;
  check(objects: readonly KubeObject[]): Omit<Finding, 'rule'>[];
}

/* biome-ignore lint/suspicious/noExplicitAny: rendered objects are untyped JSON below metadata */
export type Json = any;

export interface PodRef {
  object: KubeObject;
  ref: string;
  /** Path of the pod spec: `spec.template.spec`. */
  path: string;
  spec: Json;
  labels: Record<string, string>;
  replicas: number;
}

/** Pod templates of Deployments and Rollouts. */
export function pods(objects: readonly KubeObject[]): PodRef[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Rollout')
    .map((o) => {
      const spec = o.spec as Json;
      return {
        object: o,
        ref: objectRef(o),
        path: 'spec.template.spec',
        spec: spec?.template?.spec ?? {},
        labels: spec?.template?.metadata?.labels ?? {},
        replicas: typeof spec?.replicas === 'number' ? spec.replicas : 1,
      };
    });
}

export interface ContainerRef {
  pod: PodRef;
  path: string;
  container: Json;
}

/** Every container, init container included: the restricted standard covers them all. */
export function containers(objects: readonly KubeObject[]): ContainerRef[] {
  return pods(objects).flatMap((pod) =>
    (['initContainers', 'containers'] as const).flatMap((field) =>
      ((pod.spec[field] ?? []) as Json[]).map((container, i) => ({
        pod,
        path: `${pod.path}.${field}[${i}]`,
        container,
      })),
    ),
  );
}

/** A pod-spec value, else the container's own (containers override the pod). */
export function effective(c: ContainerRef, field: string): unknown {
  return c.container.securityContext?.[field] ?? c.pod.spec.securityContext?.[field];
}

export function matches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}
