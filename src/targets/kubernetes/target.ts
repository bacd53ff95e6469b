/**
 * `KubernetesTarget`: one environment in one namespace, as the engine sees it. Observes Deployments
 * (per revision), pods and events; applies the engine's declarative actions with server-side apply;
 * wakes the engine from watches; keeps the ledger in Secrets and the lock in a Lease.
 *
 * Objects split in two (`runtime/split-objects.ts`): revision objects, rendered from each release's
 * own recorded config, and environment objects, which follow the current operation's config.
 */
import type { ResolvedConfig } from '../../config/index.ts';
import type { ReleaseSpec } from '../../core/spec.ts';
import type { Action, TargetObservation } from '../../core/types.ts';
import type { Ledger, Lock, Target } from '../../engine/target.ts';
import type { KubeClient } from './client.ts';
import { SecretLedger } from './history.ts';
import { acquireLease } from './lease.ts';
import {
  type KubeObject,
  type Owner,
  objectRef,
  ownershipSelector,
  podSelector,
  revisionName,
} from './objects.ts';
import { renderNamespace } from './render/index.ts';
import { DrainClock, sleepKeepingAlive } from './runtime/drain.ts';
import { type LiveRevision, liveRevisions, observeRevisions, selectorString } from './runtime/live.ts';
import { findStrays, pruneObjects } from './runtime/prune.ts';
import { type ReplicaAsk, replicasFor } from './runtime/replicas.ts';
import { environmentObjects, type RevisionInput, revisionObjects } from './runtime/split-objects.ts';
import {
  candidateOf,
  type TrafficMode,
  trafficMode,
  weightsFromReplicas,
  weightsFromRoute,
  weightsFromSelector,
} from './runtime/traffic.ts';
import { watchChanges } from './runtime/watch.ts';

export interface KubernetesTargetOptions {
  client: KubeClient;
  environment: string;
  /** The environment's resolved configuration (what new releases run with). */
  config: ResolvedConfig;
  /** Default: `kubernetes.namespace` from config, else `default`. */
  namespace?: string;
  /** Finished releases kept in the in-cluster ledger; default 20. */
  historyLimit?: number;
  /** Server-side dry run for every write of workload objects (the ledger and lease are still written). */
  dryRun?: boolean;
  now?: () => number;
}

export class KubernetesTarget implements Target {
  readonly environment: string;
  readonly namespace: string;
  readonly owner: Owner;
  readonly client: KubeClient;
  readonly #o: KubernetesTargetOptions;
  readonly #ledger: SecretLedger;
  readonly #mode: TrafficMode;
  readonly #drain: DrainClock;
  /** The Lease this target handed out last, renewed while a retire drains. */
  #held: { lock: Lock; ttlMs: number } | undefined;

  constructor(opts: KubernetesTargetOptions) {
    this.#o = opts;
    this.client = opts.client;
    this.environment = opts.environment;
    this.namespace = opts.namespace ?? opts.config.kubernetes.namespace ?? 'default';
    this.owner = { service: opts.config.service, environment: opts.environment };
    this.#mode = trafficMode(opts.config);
    this.#drain = new DrainClock(opts.now);
    this.#ledger = new SecretLedger({
      client: opts.client,
      namespace: this.namespace,
      owner: this.owner,
      ...(opts.historyLimit ? { historyLimit: opts.historyLimit } : {}),
    });
  }

  async observe(): Promise<TargetObservation> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    const [revisions, weights] = await Promise.all([
      observeRevisions(this.client, this.namespace, this.owner, live),
      this.weights(live),
    ]);
    return { revisions, weights };
  }

  /** The split read back from the cluster (HTTPRoute, stable Service selector, or replica ratio). */
  async weights(live?: LiveRevision[]): Promise<Record<string, number>> {
    const { service } = this.owner;
    if (this.#mode === 'gateway') {
      const route = await this.client.read(
        'gateway.networking.k8s.io/v1',
        'HTTPRoute',
        this.namespace,
        service,
      );
      return weightsFromRoute(route, service);
    }
    const svc = await this.client.read('v1', 'Service', this.namespace, service);
    if (this.#mode === 'selector') return weightsFromSelector(svc);
    const revs = live ?? (await liveRevisions(this.client, this.namespace, this.owner));
    return weightsFromReplicas(svc, revs);
  }

  async apply(actions: Action[], spec: ReleaseSpec): Promise<void> {
    for (const action of actions) {
      switch (action.kind) {
        case 'ensure-revision':
          await this.#ensure(action.release, action.replicas, spec);
          break;
        case 'set-traffic':
          await this.#setTraffic(action.weights, spec);
          break;
        case 'retire-revision':
          await this.#retire(action.release, action.drainMs, spec);
          break;
      }
    }
  }

  changes(signal: AbortSignal): AsyncIterable<void> {
    const ns = this.namespace;
    const prefix = `${this.owner.service}-r`;
    return watchChanges(
      this.client.kubeConfig,
      [
        {
          path: `/apis/apps/v1/namespaces/${ns}/deployments`,
          query: { labelSelector: ownershipSelector(this.owner) },
        },
        {
          path: `/api/v1/namespaces/${ns}/pods`,
          query: { labelSelector: selectorString(podSelector(this.owner)) },
        },
        {
          path: `/api/v1/namespaces/${ns}/events`,
          query: { fieldSelector: 'involvedObject.kind=Pod' },
          accept: (e) => (e.involvedObject?.name ?? '').startsWith(prefix),
        },
      ],
      signal,
    );
  }

  async lock(holder: string, ttlMs: number): Promise<Lock> {
    // The Lease lives in the environment's namespace: a first release into a namespace Slipway
    // renders creates it here, since nothing else can be written before it exists.
    for (const ns of renderNamespace(this.#o.config, {
      environment: this.environment,
      service: this.owner.service,
    })) {
      if (!this.#o.dryRun && !(await this.client.read('v1', 'Namespace', '', ns.metadata.name)))
        await this.#put(ns);
    }
    const lock = await acquireLease(
      {
        client: this.client,
        namespace: this.namespace,
        owner: this.owner,
        ...(this.#o.now ? { now: this.#o.now } : {}),
      },
      holder,
      ttlMs,
    );
    // Remembered for the drain's renewals until released: a released lease must not be renewed.
    const held = { lock, ttlMs };
    this.#held = held;
    const release = lock.release.bind(lock);
    lock.release = async () => {
      if (this.#held === held) this.#held = undefined;
      await release();
    };
    return lock;
  }

  ledger(): Ledger {
    return this.#ledger;
  }

  /** Every object of the environment as it should be now: environment objects plus each live revision's. */
  async desired(
    spec?: ReleaseSpec,
    candidate?: { release: number; digest: string; replicas: number },
  ): Promise<KubeObject[]> {
    const live: { release: number; digest: string; replicas: number }[] = await liveRevisions(
      this.client,
      this.namespace,
      this.owner,
    );
    const weights = await this.weights();
    if (candidate) live.push(candidate);
    if (live.length === 0) return [];
    const config = await this.#configFor(spec?.release);
    const perRevision = await Promise.all(
      live.map(async (r) =>
        this.#revisionObjects(r === candidate ? this.#o.config : await this.#configFor(r.release), r),
      ),
    );
    const byName = new Map<string, KubeObject>();
    for (const o of [
      ...perRevision.flat(),
      ...this.#environmentObjects(config, live, weights, spec && candidateOf(spec)),
    ]) {
      byName.set(objectRef(o), o);
    }
    return [...byName.values()];
  }

  /** Deletes objects Slipway owns here that `desired()` no longer produces; returns what was deleted. */
  async prune(spec?: ReleaseSpec): Promise<string[]> {
    return pruneObjects(this.client, this.namespace, this.owner, await this.desired(spec), this.#o.dryRun);
  }

  /** What `prune` would delete given these desired objects. */
  pruneCandidates(desired: readonly KubeObject[]) {
    return findStrays(this.client, this.namespace, this.owner, desired);
  }

  async #ensure(release: number, replicas: number, spec: ReleaseSpec): Promise<void> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    const current = live.find((r) => r.release === release);
    const record = (await this.#ledger.releases()).find((r) => r.release === release);
    const isCandidate = release === candidateOf(spec);
    const digest = current?.digest || record?.digest || (isCandidate ? spec.artifact.digest : undefined);
    if (!digest) {
      throw new Error(
        `release ${release} of ${this.owner.service}/${this.environment} is neither running nor in the ledger: cannot tell which image to run`,
      );
    }
    const weights = await this.weights(live);
    const count = this.#replicasFor({ release, replicas, spec, live, weights });
    const mine = { release, digest, replicas: count };
    for (const o of this.#revisionObjects(await this.#configFor(release), mine)) await this.#put(o);
    const revisions = [...live.filter((r) => r.release !== release), { ...mine, ready: 0 }];
    const config = await this.#configFor(spec.release);
    for (const o of this.#environmentObjects(config, revisions, weights, candidateOf(spec))) {
      await this.#put(o);
    }
  }

  #replicasFor(ask: Omit<ReplicaAsk, 'autoscaled' | 'mode'>): number {
    return replicasFor({ ...ask, autoscaled: this.#o.config.autoscaling !== undefined, mode: this.#mode });
  }

  /**
   * One apply of the object that carries the split; then the HPA follows the new stable. A canary
   * candidate whose new weight needs more pods than it runs (stable grew under the HPA since the
   * core sized it) is scaled up first.
   */
  async #setTraffic(weights: Record<string, number>, spec: ReleaseSpec): Promise<void> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    for (const release of Object.keys(weights)) {
      if ((weights[release] ?? 0) > 0 && !live.some((r) => String(r.release) === release)) {
        throw new Error(
          `cannot send ${weights[release]}% to release ${release} of ${this.owner.service}/${this.environment}: it has no Deployment`,
        );
      }
    }
    const before = await this.weights(live);
    await this.#followWeight(weights, spec, live, before);
    const candidate = candidateOf(spec);
    const config = await this.#configFor(spec.release);
    const objects = this.#environmentObjects(config, live, weights, candidate);
    const name = this.owner.service;
    const carrier =
      this.#mode === 'gateway'
        ? objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === name)
        : objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    if (!carrier)
      throw new Error(`no ${this.#mode === 'gateway' ? 'HTTPRoute' : 'Service'} ${name} rendered`);
    await this.#put(carrier);
    this.#drain.switched(before, weights);
    for (const o of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) await this.#put(o);
  }

  /** Scales the canary candidate up to what its new weight needs beside stable's current replicas. */
  async #followWeight(
    weights: Record<string, number>,
    spec: ReleaseSpec,
    live: LiveRevision[],
    before: Record<string, number>,
  ): Promise<void> {
    const candidate = candidateOf(spec);
    const mine = live.find((r) => r.release === candidate);
    const weight = weights[String(candidate)] ?? 0;
    if (!mine || weight <= 0 || weight <= (before[String(candidate)] ?? 0)) return;
    const count = this.#replicasFor({
      release: candidate,
      replicas: mine.replicas,
      spec,
      live,
      weights: before,
      weight,
    });
    if (count <= mine.replicas) return;
    const revision = { release: candidate, digest: mine.digest, replicas: count };
    for (const o of this.#revisionObjects(await this.#configFor(candidate), revision)) {
      if (o.kind === 'Deployment') await this.#put(o);
    }
  }

  /**
   * Traffic has already left the revision (the core retires only unweighted revisions). Render the
   * environment without it (the HTTPRoute drops its backend), wait out the drain (`runtime/drain.ts`:
   * `drainMs` from the switch, renewing the Lease meanwhile), then scale to 0 and delete; Kubernetes
   * then drains each pod (endpoint removal, SIGTERM, `terminationGracePeriod`).
   */
  async #retire(release: number, drainMs: number, spec: ReleaseSpec): Promise<void> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    const target = live.find((r) => r.release === release);
    const rest = live.filter((r) => r.release !== release);
    if (rest.length > 0) {
      const weights = await this.weights(live);
      // Normally 0 already; if it still had traffic, this re-render is the switch.
      if ((weights[String(release)] ?? 0) > 0) this.#drain.leftNow(release);
      delete weights[String(release)];
      const config = await this.#configFor(spec.release);
      for (const o of this.#environmentObjects(config, rest, weights, candidateOf(spec))) {
        await this.#put(o);
      }
    }
    const name = revisionName(this.owner.service, release);
    const ns = this.namespace;
    if (target && !this.#o.dryRun) {
      // A revision with no ready pod has no endpoints, so nothing to drain.
      const wait = target.ready > 0 ? this.#drain.remaining(release, drainMs) : 0;
      if (wait > 0) await this.#sleepDraining(wait);
      await this.client.mergePatch({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: target.deployment.metadata?.name ?? name, namespace: ns },
        spec: { replicas: 0 },
      } as never);
      await this.client.delete({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: target.deployment.metadata?.name ?? name, namespace: ns },
      });
    }
    this.#drain.forget(release);
    if (!this.#o.dryRun) {
      await this.client.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns } });
      if (rest.length > 0) await this.prune(spec);
    }
  }

  /** Waits `ms`, renewing the Lease this target handed out so a long drain cannot lose it. */
  #sleepDraining(ms: number): Promise<void> {
    const held = this.#held;
    const every = held ? held.ttlMs / 3 : ms;
    return sleepKeepingAlive(ms, every, async () => {
      await held?.lock.renew();
    });
  }

  async #configFor(release: number | undefined): Promise<ResolvedConfig> {
    if (release === undefined) return this.#o.config;
    const record = (await this.#ledger.releases()).find((r) => r.release === release);
    return (record?.config as ResolvedConfig | undefined) ?? this.#o.config;
  }

  #revisionObjects(config: ResolvedConfig, r: RevisionInput): KubeObject[] {
    return revisionObjects(config, this.owner, r);
  }

  #environmentObjects(
    config: ResolvedConfig,
    revisions: RevisionInput[],
    weights: Record<string, number>,
    candidate?: number,
  ): KubeObject[] {
    return environmentObjects(config, this.owner, this.#mode, { revisions, weights, candidate });
  }

  #put(o: KubeObject): Promise<KubeObject> {
    const obj = o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, namespace: this.namespace } };
    return this.client.apply(obj, { dryRun: this.#o.dryRun === true });
  }
}
