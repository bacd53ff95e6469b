/**
 * `KubernetesTarget`: one environment in one namespace, as the engine sees it. Observes Deployments
 * (per revision), pods and events; applies the engine's declarative actions with server-side apply;
 * wakes the engine from watches; keeps the ledger in Secrets and the lock in a Lease.
 *
 * Objects split in two: *revision objects* (a release's Deployment, its per-revision Service, its
 * content-hashed ConfigMap, ServiceAccount, ExternalSecrets) are rendered from that release's own
 * recorded config, so a rollback runs exactly what ran; *environment objects* (stable/preview
 * Services, HTTPRoute, Ingress, HPA, PDB, NetworkPolicy) follow the current operation's config.
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
  LABEL,
  type Owner,
  objectRef,
  ownershipSelector,
  podSelector,
  revisionName,
  revisionSelector,
} from './objects.ts';
import { renderEnvironment, renderNamespace } from './render/index.ts';
import { DrainClock, sleepKeepingAlive } from './runtime/drain.ts';
import { type LiveRevision, liveRevisions, observeRevisions, selectorString } from './runtime/live.ts';
import { findStrays, pruneObjects } from './runtime/prune.ts';
import { ratioShare, routedShare, upcomingWeight } from './runtime/replicas.ts';
import {
  stableOf,
  type TrafficMode,
  trafficMode,
  WEIGHTS_ANNOTATION,
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

/** Revision objects that are shared by name between revisions of the same config. */
const REVISION_SUPPORT = new Set(['Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret']);

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
        case 'record':
          break; // the engine writes the ledger
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
    const count = this.#replicasFor(release, replicas, spec, live, weights);
    const mine = { release, digest, replicas: count };
    for (const o of this.#revisionObjects(await this.#configFor(release), mine)) await this.#put(o);
    const revisions = [...live.filter((r) => r.release !== release), { ...mine, ready: 0 }];
    const config = await this.#configFor(spec.release);
    for (const o of this.#environmentObjects(config, revisions, weights, candidateOf(spec))) {
      await this.#put(o);
    }
  }

  /**
   * The replicas a revision really runs, from what the core asked for (never fewer):
   * - stable, with an HPA: never below what the HPA chose (the HPA scales it during a canary);
   * - a blue-green candidate, with an HPA: stable's current replicas, so the switch keeps capacity;
   * - a canary candidate, with an HPA or without a Gateway: its weight relative to stable's
   *   *current* replicas (`runtime/replicas.ts`), never the HPA maximum; at promotion (100 %) all
   *   of stable's current replicas, so the HPA moves to a revision as large as the one it leaves.
   * `weight` is the split about to be applied; without it the weight is inferred from the steps.
   */
  #replicasFor(
    release: number,
    replicas: number,
    spec: ReleaseSpec,
    live: LiveRevision[],
    weights: Record<string, number>,
    weight?: number,
  ): number {
    const autoscaled = this.#o.config.autoscaling !== undefined;
    const stable = stableOf(weights, candidateOf(spec));
    const stableLive = live.find((r) => r.release === stable);
    if (release === stable) return autoscaled ? Math.max(replicas, stableLive?.replicas ?? 0) : replicas;
    if (!stableLive || replicas === 0) return replicas;
    const strategy = spec.strategy;
    if (strategy.kind === 'blue-green')
      return autoscaled ? Math.max(replicas, stableLive.replicas) : replicas;
    if (strategy.kind !== 'canary' || (!autoscaled && this.#mode !== 'replicas')) return replicas;
    // The core sizes a canary from stable's current replicas (capacityOf): behind a Gateway its count
    // is already the routed share; only a known split about to be applied can ask for more.
    if (this.#mode !== 'replicas' && weight === undefined) return replicas;
    const steps = strategy.steps.flatMap((s) => (s.kind === 'weight' ? [s.weight] : []));
    const capacity = Math.max(spec.replicas, stableLive.replicas);
    const w = weight ?? upcomingWeight(steps, capacity, replicas, weights[String(release)] ?? 0);
    const share = this.#mode === 'replicas' ? ratioShare : routedShare;
    return Math.max(replicas, share(stableLive.replicas, w));
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
    const count = this.#replicasFor(candidate, mine.replicas, spec, live, before, weight);
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

  #render(
    config: ResolvedConfig,
    revisions: { release: number; digest: string; replicas: number }[],
    weights: Record<string, number>,
    candidate?: number,
  ): KubeObject[] {
    const releases = revisions.map((r) => r.release).sort((a, b) => a - b);
    const heavy = stableOf(weights, candidate);
    const stable = heavy !== undefined && releases.includes(heavy) ? heavy : releases[0];
    return renderEnvironment(config, {
      environment: this.environment,
      service: this.owner.service,
      revisions: revisions.map(({ release, digest, replicas }) => ({ release, digest, replicas })),
      traffic: { weights, stable, preview: releases[releases.length - 1] },
    });
  }

  #revisionObjects(
    config: ResolvedConfig,
    r: { release: number; digest: string; replicas: number },
  ): KubeObject[] {
    return this.#render(config, [r], { [String(r.release)]: 100 }).filter(
      (o) => o.metadata.labels?.[LABEL.release] === String(r.release) || REVISION_SUPPORT.has(o.kind),
    );
  }

  #environmentObjects(
    config: ResolvedConfig,
    revisions: { release: number; digest: string; replicas: number }[],
    weights: Record<string, number>,
    candidate?: number,
  ): KubeObject[] {
    if (revisions.length === 0) return [];
    const objects = this.#render(config, revisions, weights, candidate).filter(
      (o) =>
        o.metadata.labels?.[LABEL.release] === undefined &&
        !REVISION_SUPPORT.has(o.kind) &&
        o.kind !== 'Deployment',
    );
    if (this.#mode === 'replicas') this.#noteSplit(objects, weights, config.strategy.canary !== undefined);
    return objects;
  }

  /**
   * Without a Gateway the shared Service carries the split: every apply of it states the split in
   * the `slipway.dev/weights` annotation (server-side apply drops an annotation a later apply of the
   * same manager leaves out). A canary's Service selects every pod only while more than one release
   * has weight; when one release serves alone (before the first step, after a rollback's
   * `{ stable: 100, candidate: 0 }`, after promotion) it selects that release only, so moving traffic
   * away is one selector change, immediately, and the drain before the scale-down means something.
   * A candidate's pods also get no traffic before its first `set-traffic`.
   */
  #noteSplit(objects: KubeObject[], weights: Record<string, number>, canary: boolean): void {
    const shared = objects.find((o) => o.kind === 'Service' && o.metadata.name === this.owner.service);
    if (!shared || Object.keys(weights).length === 0) return;
    shared.metadata.annotations = {
      ...shared.metadata.annotations,
      [WEIGHTS_ANNOTATION]: JSON.stringify(weights),
    };
    const serving = Object.keys(weights).filter((k) => (weights[k] ?? 0) > 0);
    const spec = shared.spec as { selector?: Record<string, string> };
    if (canary && serving.length === 1) spec.selector = revisionSelector(this.owner, Number(serving[0]));
  }

  #put(o: KubeObject): Promise<KubeObject> {
    const obj = o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, namespace: this.namespace } };
    return this.client.apply(obj, { dryRun: this.#o.dryRun === true });
  }
}

/** The revision an operation brings in (a rollback to N re-runs N's revision). */
const candidateOf = (spec: ReleaseSpec): number => spec.revision ?? spec.release;
