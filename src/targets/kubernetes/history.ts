/**
 * The environment's ledger in the cluster: one Secret per release, labelled
 * `slipway.dev/ledger=<service>.<environment>`, holding the ReleaseRecord (digest, resolved config
 * with secret references only, spec, outcome, reasons), its events, the engine's progress memo and
 * operator commands as JSON. Secrets rather than ConfigMaps because resolved config may name
 * sensitive things and Secrets are what RBAC usually guards. Writes are read-modify-write with the
 * object's resourceVersion, retried on conflict; a history limit deletes the oldest finished records.
 */
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import type { LedgerEvent, OperatorCommand, Phase } from '../../core/types.ts';
import type { Ledger, ReleaseRecord } from '../../engine/target.ts';
import { apiError, type KubeClient, statusOf } from './client.ts';
import { LABEL, MANAGED_BY, type Owner } from './objects.ts';

export const LEDGER_LABEL = 'slipway.dev/ledger';
const TYPE = 'slipway.dev/release-record';
const KEYS = {
  record: 'record.json',
  events: 'events.json',
  progress: 'progress.json',
  commands: 'commands.json',
};

export interface SecretLedgerOptions {
  client: KubeClient;
  namespace: string;
  owner: Owner;
  /** Finished releases kept; older ones are deleted when a release finishes. Default 20. */
  historyLimit?: number;
}

const encode = (v: unknown) => Buffer.from(JSON.stringify(v ?? null)).toString('base64');
const decode = <T>(s: string | undefined, fallback: T): T =>
  s === undefined ? fallback : ((JSON.parse(Buffer.from(s, 'base64').toString('utf8')) as T) ?? fallback);

export class SecretLedger implements Ledger {
  readonly #o: Required<SecretLedgerOptions>;

  constructor(opts: SecretLedgerOptions) {
    this.#o = { historyLimit: 20, ...opts };
  }

  get selector(): string {
    return `${LEDGER_LABEL}=${this.#o.owner.service}.${this.#o.owner.environment}`;
  }

  #name(release: number): string {
    return `slipway-${this.#o.owner.service}-${this.#o.owner.environment}-r${release}`;
  }

  async releases(): Promise<ReleaseRecord[]> {
    const secrets = await this.#o.client.list<V1Secret>('v1', 'Secret', this.#o.namespace, {
      labelSelector: this.selector,
    });
    return secrets
      .map((s) => decode<ReleaseRecord | null>(s.data?.[KEYS.record], null))
      .filter((r): r is ReleaseRecord => r !== null)
      .sort((a, b) => a.release - b.release);
  }

  async begin(record: ReleaseRecord): Promise<void> {
    const { owner, namespace } = this.#o;
    const secret: V1Secret & KubernetesObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: TYPE,
      metadata: {
        name: this.#name(record.release),
        namespace,
        labels: {
          [LEDGER_LABEL]: `${owner.service}.${owner.environment}`,
          [LABEL.managedBy]: MANAGED_BY,
          [LABEL.release]: String(record.release),
        },
      },
      data: { [KEYS.record]: encode(record), [KEYS.events]: encode([]), [KEYS.commands]: encode([]) },
    };
    try {
      await this.#o.client.create(secret);
    } catch (err) {
      if (statusOf(err) === 409 || (err as { status?: number }).status === 409) {
        throw new Error(
          `release ${record.release} of ${owner.service}/${owner.environment} is already recorded (Secret ${this.#name(record.release)})`,
        );
      }
      throw err;
    }
  }

  append(event: LedgerEvent): Promise<void> {
    return this.#update(event.release, (data) => {
      data[KEYS.events] = encode([...decode<LedgerEvent[]>(data[KEYS.events], []), event]);
    });
  }

  async events(release: number): Promise<LedgerEvent[]> {
    return decode((await this.#read(release))?.data?.[KEYS.events], []);
  }

  async finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void> {
    await this.#update(release, (data) => {
      const record = decode<ReleaseRecord>(data[KEYS.record], {} as ReleaseRecord);
      data[KEYS.record] = encode({ ...record, outcome, reasons, finishedAt: at });
    });
    await this.#trim();
  }

  saveProgress(release: number, progress: unknown): Promise<void> {
    return this.#update(release, (data) => {
      data[KEYS.progress] = encode(progress);
    });
  }

  async loadProgress(release: number): Promise<unknown> {
    return decode((await this.#read(release))?.data?.[KEYS.progress], undefined);
  }

  command(release: number, command: OperatorCommand): Promise<void> {
    return this.#update(release, (data) => {
      data[KEYS.commands] = encode([...decode<OperatorCommand[]>(data[KEYS.commands], []), command]);
    });
  }

  async commands(release: number): Promise<OperatorCommand[]> {
    return decode((await this.#read(release))?.data?.[KEYS.commands], []);
  }

  #read(release: number): Promise<(V1Secret & KubernetesObject) | undefined> {
    return this.#o.client.read('v1', 'Secret', this.#o.namespace, this.#name(release));
  }

  /** Read-modify-write with optimistic concurrency: retried when another writer got in first. */
  async #update(release: number, change: (data: Record<string, string>) => void): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const secret = await this.#read(release);
      if (!secret) {
        throw new Error(
          `release ${release} of ${this.#o.owner.service}/${this.#o.owner.environment} is not in the ledger (no Secret ${this.#name(release)} in namespace ${this.#o.namespace})`,
        );
      }
      const data = { ...(secret.data ?? {}) };
      change(data);
      try {
        await this.#o.client.replace({ ...secret, apiVersion: 'v1', kind: 'Secret', data });
        return;
      } catch (err) {
        if ((err as { status?: number }).status !== 409 || attempt >= 10) throw err;
      }
    }
  }

  /** Keeps the newest `historyLimit` finished releases; unfinished ones are never deleted. */
  async #trim(): Promise<void> {
    const finished = (await this.releases()).filter((r) => r.finishedAt !== undefined);
    const excess = finished.slice(0, Math.max(0, finished.length - this.#o.historyLimit));
    for (const r of excess) {
      try {
        await this.#o.client.delete({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: this.#name(r.release), namespace: this.#o.namespace },
        });
      } catch (err) {
        throw apiError(`trim the ledger of ${this.#o.owner.service}/${this.#o.owner.environment}`, err);
      }
    }
  }
}
