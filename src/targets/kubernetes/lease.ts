/**
 * The environment lock as a `coordination.k8s.io/v1` Lease `slipway-<service>-<environment>`:
 * `holderIdentity` names the holder, `leaseDurationSeconds` is the time-to-live measured from
 * `renewTime`. Every write carries the resourceVersion read just before it (optimistic
 * concurrency), so two engines racing for an expired or free lease cannot both win. A lease is
 * taken over only once expired; a crashed engine's lease therefore frees itself.
 */
import { randomBytes } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import { type Lock, LockHeldError } from '../../engine/target.ts';
import type { KubeClient } from './client.ts';
import { LABEL, MANAGED_BY, type Owner } from './objects.ts';

const TOKEN = 'slipway.dev/lock-token';

interface LeaseObject extends KubernetesObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string | Date;
    renewTime?: string | Date;
  };
}

/** MicroTime needs exactly six fractional digits (`2026-11-27T06:00:00.123000Z`). */
export const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export function leaseExpiry(lease: LeaseObject): number {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  if (!lease.spec?.holderIdentity || !renewed) return 0;
  return new Date(renewed).getTime() + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
}

export interface LeaseOptions {
  client: KubeClient;
  namespace: string;
  owner: Owner;
  now?: () => number;
}

/** The spec with its times as MicroTime strings (the client may have parsed them into Dates). */
const times = (lease: LeaseObject): NonNullable<LeaseObject['spec']> => {
  const spec = { ...(lease.spec ?? {}) };
  if (spec.acquireTime) spec.acquireTime = microTime(new Date(spec.acquireTime).getTime());
  if (spec.renewTime) spec.renewTime = microTime(new Date(spec.renewTime).getTime());
  return spec;
};

const conflict = (err: unknown) => (err as { status?: number }).status === 409;

export async function acquireLease(opts: LeaseOptions, holder: string, ttlMs: number): Promise<Lock> {
  const now = opts.now ?? Date.now;
  const name = `slipway-${opts.owner.service}-${opts.owner.environment}`;
  const token = randomBytes(8).toString('hex');
  const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
  const body = (base: LeaseObject | undefined, acquireTime: number): LeaseObject => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...(base?.metadata ?? {}),
      name,
      namespace: opts.namespace,
      labels: { ...(base?.metadata?.labels ?? {}), [LABEL.managedBy]: MANAGED_BY },
      annotations: { ...(base?.metadata?.annotations ?? {}), [TOKEN]: token },
    },
    spec: {
      holderIdentity: holder,
      leaseDurationSeconds: seconds,
      acquireTime: microTime(acquireTime),
      renewTime: microTime(now()),
    },
  });
  const read = () => opts.client.read<LeaseObject>('coordination.k8s.io/v1', 'Lease', opts.namespace, name);

  for (let attempt = 1; ; attempt++) {
    const current = await read();
    try {
      if (!current) {
        await opts.client.create(body(undefined, now()));
      } else {
        const expiresAt = leaseExpiry(current);
        if (expiresAt > now()) throw new LockHeldError(current.spec?.holderIdentity ?? 'unknown', expiresAt);
        await opts.client.replace(body(current, now()));
      }
      break;
    } catch (err) {
      // Someone else created or took it between our read and write: read again (then it is held).
      if (!conflict(err) || attempt >= 5) throw err;
    }
  }

  let expiresAt = now() + seconds * 1000;
  const mine = async (): Promise<LeaseObject> => {
    const lease = await read();
    if (!lease || lease.metadata?.annotations?.[TOKEN] !== token) {
      const by = lease?.spec?.holderIdentity ?? 'nobody';
      throw new Error(`the lease ${opts.namespace}/${name} is no longer ours: now held by ${by}`);
    }
    return lease;
  };
  return {
    holder,
    get expiresAt() {
      return expiresAt;
    },
    async renew() {
      const lease = await mine();
      const at = now();
      await opts.client.replace({ ...lease, spec: { ...times(lease), renewTime: microTime(at) } });
      expiresAt = at + seconds * 1000;
    },
    async release() {
      const lease = await mine().catch(() => undefined);
      if (!lease) return; // lost or gone: nothing of ours to release
      const { holderIdentity: _, ...spec } = times(lease);
      await opts.client.replace({ ...lease, spec: { ...spec, renewTime: microTime(0) } }).catch((err) => {
        if (!conflict(err)) throw err;
      });
    },
  };
}
