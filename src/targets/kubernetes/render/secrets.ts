/**
 * Secret references. Rendered output never holds a secret value:
 * - `kubernetes-secret`: `secretKeyRef` to the named, existing Secret;
 * - `external-secret`: `secretKeyRef` to the Secret that an `ExternalSecret` (rendered here, one per
 *   name) materialises. The config names no store yet, so the ExternalSecret reads from the
 *   `ClusterSecretStore` named `slipway` (remote key = the secret name, property = the key);
 * - `file` / `env`: read by the deploying process and written by apply into the Secret
 *   `<service>-secrets` (`slipway secrets set` does the same); render only references it.
 */
import type { KubeObject } from '../objects.ts';
import { ownerLabels } from '../objects.ts';
import type { Scope } from './context.ts';

export const EXTERNAL_SECRET_STORE = 'slipway';

/** Name of the Secret that holds values read from `file` / `env` sources at deploy time. */
export const deploySecretName = (service: string) => `${service}-secrets`;

export function secretEnv(scope: Scope) {
  return Object.entries(scope.config.secrets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([variable, ref]) => {
      const name = ref.name ?? deploySecretName(scope.owner.service);
      const key = ref.source === 'file' || ref.source === 'env' ? variable : ref.key;
      return { name: variable, valueFrom: { secretKeyRef: { name, key, optional: ref.optional } } };
    });
}

export function externalSecrets(scope: Scope): KubeObject[] {
  const byName = new Map<string, string[]>();
  for (const ref of Object.values(scope.config.secrets)) {
    if (ref.source !== 'external-secret' || ref.name === undefined) continue;
    const keys = byName.get(ref.name) ?? [];
    if (!keys.includes(ref.key)) keys.push(ref.key);
    byName.set(ref.name, keys);
  }
  return [...byName.entries()].map(([name, keys]) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: scope.namespace, labels: ownerLabels(scope.owner, 'secrets') },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: EXTERNAL_SECRET_STORE },
      target: { name, creationPolicy: 'Owner' },
      data: keys.sort().map((key) => ({ secretKey: key, remoteRef: { key: name, property: key } })),
    },
  }));
}
