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
} from './objects.ts';
import { renderEnvironment } from './render/index.ts';
import { type LiveRevision, liveRevisions, observeRevisions, selectorString } from './runtime/live.ts';
import { findStrays, pruneObjects } from './runtime/prune.ts';
import {
  heaviest,
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

  constructor(opts: KubernetesTargetOptions) {
    this.#o = opts;
    this.client = opts.client;
    this.environment = opts.environment;
    this.namespace = opts.namespace ?? opts.config.kubernetes.namespace ?? 'default';
    this.owner = { service: opts.config.service, environment: opts.environment };
    this.#mode = trafficMode(opts.config);
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
          await this.#retire(action.release, spec);
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

  lock(holder: string, ttlMs: number): Promise<Lock> {
    return acquireLease(
      {
        client: this.client,
        namespace: this.namespace,
        owner: this.owner,
        ...(this.#o.now ? { now: this.#o.now } : {}),
      },
      holder,
      ttlMs,
    );
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
    for (const o of [...perRevision.flat(), ...this.#environmentObjects(config, live, weights)]) {
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
    const isCandidate = release === (spec.revision ?? spec.release);
    const digest = current?.digest || record?.digest || (isCandidate ? spec.artifact.digest : undefined);
    if (!digest) {
      throw new Error(
        `release ${release} of ${this.owner.service}/${this.environment} is neither running nor in the ledger: cannot tell which image to run`,
      );
    }
    const weights = await this.weights(live);
    const count = this.#withAutoscaler(release, replicas, spec, live, weights);
    const mine = { release, digest, replicas: count };
    for (const o of this.#revisionObjects(await this.#configFor(release), mine)) await this.#put(o);
    const revisions = [...live.filter((r) => r.release !== release), { ...mine, ready: 0 }];
    for (const o of this.#environmentObjects(await this.#configFor(spec.release), revisions, weights)) {
      await this.#put(o);
    }
  }

  /**
   * With an HPA, stable's Deployment is scaled by the HPA: never shrink it below what the HPA chose.
   * The candidate's share follows its weight relative to stable's *current* replicas (the core's
   * count assumes `spec.replicas`), never the HPA maximum.
   */
  #withAutoscaler(
    release: number,
    replicas: number,
    spec: ReleaseSpec,
    live: LiveRevision[],
    weights: Record<string, number>,
  ): number {
    if (!this.#o.config.autoscaling) return replicas;
    const stable = heaviest(weights);
    const stableLive = live.find((r) => r.release === stable);
    if (release === stable) return Math.max(replicas, stableLive?.replicas ?? 0);
    if (!stableLive || replicas >= spec.replicas || replicas === 0) return replicas;
    return Math.max(replicas, Math.ceil((stableLive.replicas * replicas) / spec.replicas));
  }

  /** One apply of the object that carries the split; then the HPA follows the new stable. */
  async #setTraffic(weights: Record<string, number>, spec: ReleaseSpec): Promise<void> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    for (const release of Object.keys(weights)) {
      if ((weights[release] ?? 0) > 0 && !live.some((r) => String(r.release) === release)) {
        throw new Error(
          `cannot send ${weights[release]}% to release ${release} of ${this.owner.service}/${this.environment}: it has no Deployment`,
        );
      }
    }
    const objects = this.#environmentObjects(await this.#configFor(spec.release), live, weights);
    const name = this.owner.service;
    const carrier =
      this.#mode === 'gateway'
        ? objects.find((o) => o.kind === 'HTTPRoute' && o.metadata.name === name)
        : objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
    if (!carrier)
      throw new Error(`no ${this.#mode === 'gateway' ? 'HTTPRoute' : 'Service'} ${name} rendered`);
    if (this.#mode === 'replicas') {
      carrier.metadata.annotations = {
        ...carrier.metadata.annotations,
        [WEIGHTS_ANNOTATION]: JSON.stringify(weights),
      };
    }
    await this.#put(carrier);
    for (const o of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) await this.#put(o);
  }

  /**
   * Traffic has already left the revision (the core retires only unweighted revisions). Render the
   * environment without it (the HTTPRoute drops its backend), then scale to 0 and delete: Kubernetes
   * drains each pod (endpoint removal, SIGTERM, `terminationGracePeriod`).
   */
  async #retire(release: number, spec: ReleaseSpec): Promise<void> {
    const live = await liveRevisions(this.client, this.namespace, this.owner);
    const target = live.find((r) => r.release === release);
    const rest = live.filter((r) => r.release !== release);
    if (rest.length > 0) {
      const weights = await this.weights(live);
      delete weights[String(release)];
      for (const o of this.#environmentObjects(await this.#configFor(spec.release), rest, weights)) {
        await this.#put(o);
      }
    }
    const name = revisionName(this.owner.service, release);
    const ns = this.namespace;
    if (target && !this.#o.dryRun) {
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
    if (!this.#o.dryRun) {
      await this.client.delete({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns } });
      if (rest.length > 0) await this.prune(spec);
    }
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
  ): KubeObject[] {
    const releases = revisions.map((r) => r.release).sort((a, b) => a - b);
    const heavy = heaviest(weights);
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
  ): KubeObject[] {
    if (revisions.length === 0) return [];
    return this.#render(config, revisions, weights).filter(
      (o) =>
        o.metadata.labels?.[LABEL.release] === undefined &&
        !REVISION_SUPPORT.has(o.kind) &&
        o.kind !== 'Deployment',
    );
  }

  #put(o: KubeObject): Promise<KubeObject> {
    const obj = o.kind === 'Namespace' ? o : { ...o, metadata: { ...o.metadata, namespace: this.namespace } };
    return this.client.apply(obj, { dryRun: this.#o.dryRun === true });
  }
}
