/** Rules about what runs: probes, requests/limits, pinned images, the service account token. */
import { objectRef } from '../../objects.ts';
import { containers, type Json, pods, type Rule } from './rule.ts';

const DIGEST_REF = /@sha256:[0-9a-f]{64}$/;

/** The tag of `repo[:tag][@digest]`, if any (a registry port is not a tag). */
export function imageTag(image: string): string | undefined {
  const name = image.split('@')[0] ?? '';
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
}

export const workloadRules: Rule[] = [
  {
    id: 'probes',
    description: 'every container has startup, readiness and liveness probes',
    check: (objects) =>
      containers(objects)
        .filter((c) => !c.path.includes('initContainers'))
        .flatMap((c) =>
          ['startupProbe', 'readinessProbe', 'livenessProbe']
            .filter((p) => c.container[p] === undefined)
            .map((p) => ({ object: c.pod.ref, path: `${c.path}.${p}`, message: 'is missing' })),
        ),
  },
  {
    id: 'resources',
    description: 'every container requests and limits cpu and memory',
    check: (objects) =>
      containers(objects).flatMap((c) =>
        ['requests', 'limits'].flatMap((kind) =>
          ['cpu', 'memory']
            .filter((r) => c.container.resources?.[kind]?.[r] === undefined)
            .map((r) => ({
              object: c.pod.ref,
              path: `${c.path}.resources.${kind}.${r}`,
              message: 'is missing',
            })),
        ),
      ),
  },
  {
    id: 'image-digest',
    description: 'images are pinned by digest (repo@sha256:…), so a release runs exactly what was tested',
    check: (objects) =>
      containers(objects)
        .filter((c) => !DIGEST_REF.test(String(c.container.image ?? '')))
        .map((c) => ({
          object: c.pod.ref,
          path: `${c.path}.image`,
          message: `"${c.container.image}" is not pinned by digest (expected repo@sha256:<64 hex>)`,
        })),
  },
  {
    id: 'no-latest',
    description: 'no image uses the mutable latest tag',
    check: (objects) =>
      containers(objects)
        .filter((c) => imageTag(String(c.container.image ?? '')) === 'latest')
        .map((c) => ({
          object: c.pod.ref,
          path: `${c.path}.image`,
          message: `"${c.container.image}" uses the latest tag`,
        })),
  },
  {
    id: 'automount-token-off',
    description: 'service account tokens are not mounted (ServiceAccount and pod both say so)',
    check: (objects) => [
      ...objects
        .filter((o) => o.kind === 'ServiceAccount' && (o as Json).automountServiceAccountToken !== false)
        .map((o) => ({
          object: objectRef(o),
          path: 'automountServiceAccountToken',
          message: 'must be false',
        })),
      ...pods(objects)
        .filter((p) => p.spec.automountServiceAccountToken !== false)
        .map((p) => ({
          object: p.ref,
          path: `${p.path}.automountServiceAccountToken`,
          message: 'must be false',
        })),
    ],
  },
];
