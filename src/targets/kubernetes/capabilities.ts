/**
 * What a kubernetes environment can do beyond releases (`OpenedTarget.capabilities`): plan against
 * the live cluster with a server-side dry run, and write one key of a Secret it refers to.
 */
import type { ResolvedConfig } from '../../config/index.ts';
import type { Capabilities } from '../opened.ts';
import { planEnvironment } from './plan.ts';
import type { KubernetesTarget } from './target.ts';

export function kubernetesCapabilities(target: KubernetesTarget, resolved: ResolvedConfig): Capabilities {
  const ns = target.namespace;
  return {
    async plan(digest) {
      const releases = await target.ledger().releases();
      const next = releases.reduce((m, r) => Math.max(m, r.release), 0) + 1;
      const candidate = digest ? { release: next, digest, replicas: resolved.replicas } : undefined;
      return { where: `namespace ${ns}`, changes: await planEnvironment(target, candidate) };
    },
    // Only the one key is merged, so the Secret's other keys stay; the value is never logged.
    async writeSecret(name, key, value) {
      const data = { [key]: value.toString('base64') };
      const where = `Secret ${ns}/${name}`;
      if (await target.client.read('v1', 'Secret', ns, name)) {
        await target.client.mergePatch({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name, namespace: ns },
          data,
        } as never);
        return { where, created: false };
      }
      await target.client.create({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name, namespace: ns },
        data,
      } as never);
      return { where, created: true };
    },
  };
}
