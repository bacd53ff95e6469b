/**
 * Render: resolved config + running revisions + traffic → the Kubernetes objects of one environment.
 * Pure (no I/O, clock or randomness) and deterministic: objects in a fixed kind order then by name,
 * keys sorted, `undefined` fields dropped. `docs/kubernetes.md` documents every object.
 */
import type { ResolvedConfig } from '../../../config/index.ts';
import { SlipwayError } from '../../../core/fault.ts';
import { canonical, type KubeObject } from '../objects.ts';
import type { RenderContext, Scope } from './context.ts';
import { podMonitor } from './monitoring.ts';
import { httpRoutes, ingress, networkPolicy, services } from './network.ts';
import { externalSecrets } from './secrets.ts';
import { configMap, deployment, hpa, namespace, pdb, serviceAccount } from './workloads.ts';

export type { RenderContext, RevisionInput, TrafficInput } from './context.ts';

/** A config or context that cannot be rendered; the message says what to change. */
export class RenderError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'RenderError';
  }
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Order in which objects are listed (and applied): what others depend on comes first. */
export const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'ExternalSecret',
  'Deployment',
  'Rollout',
  'Service',
  'Ingress',
  'HTTPRoute',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'PodMonitor',
];

export function sortObjects(objects: KubeObject[]): KubeObject[] {
  const rank = (o: KubeObject) => {
    const i = KIND_ORDER.indexOf(o.kind);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return [...objects].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
  );
}

export function scopeOf(env: ResolvedConfig, ctx: RenderContext): Scope {
  const where = `environment ${ctx.environment}`;
  if (env.target !== 'kubernetes') {
    throw new RenderError(
      `${where} uses target ${env.target}; only kubernetes environments render to manifests (set environments.${ctx.environment}.target: kubernetes)`,
    );
  }
  if (!env.artifact.image)
    throw new RenderError(`${where}: artifact.image is required to render (e.g. ghcr.io/acme/hello)`);
  if (ctx.revisions.length === 0) throw new RenderError(`${where}: nothing to render, no revision given`);
  const seen = new Set<number>();
  for (const r of ctx.revisions) {
    if (!DIGEST.test(r.digest))
      throw new RenderError(
        `${where}: release ${r.release} digest "${r.digest}" is not sha256:<64 hex digits>`,
      );
    if (!Number.isInteger(r.release) || r.release < 1 || seen.has(r.release)) {
      throw new RenderError(`${where}: release ${r.release} must be a unique positive integer`);
    }
    if (!Number.isInteger(r.replicas) || r.replicas < 0)
      throw new RenderError(`${where}: release ${r.release} replicas ${r.replicas} must be an integer ≥ 0`);
    seen.add(r.release);
  }
  const revisions = [...ctx.revisions].sort((a, b) => a.release - b.release);
  const releases = revisions.map((r) => r.release);
  const stable = ctx.traffic.stable ?? releases[0]!;
  const preview = ctx.traffic.preview ?? releases[releases.length - 1]!;
  for (const [what, n] of [
    ['stable', stable],
    ['preview', preview],
  ] as const) {
    if (!seen.has(n))
      throw new RenderError(
        `${where}: traffic.${what} ${n} is not among the revisions (${releases.join(', ')})`,
      );
  }
  const strategy = env.strategy.canary ? 'canary' : env.strategy['blue-green'] ? 'blue-green' : 'rolling';
  return {
    config: env,
    owner: { service: ctx.service ?? env.service, environment: ctx.environment },
    namespace: env.kubernetes.namespace,
    // Rolling keeps one Deployment: only the newest revision is rendered.
    revisions: strategy === 'rolling' ? revisions.slice(-1) : revisions,
    stable: strategy === 'rolling' ? releases[releases.length - 1]! : stable,
    preview,
    weights: ctx.traffic.weights,
    strategy,
    waived: new Set((env.kubernetes.waivers ?? []).map((w) => w.rule)),
  };
}

/** First object of each kind/name. */
function unique(objects: KubeObject[]): KubeObject[] {
  const seen = new Set<string>();
  return objects.filter((o) => {
    const key = `${o.kind}/${o.metadata.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every object of one environment, in a deterministic order. Throws `RenderError` on bad input. */
/**
 * The environment's Namespace alone (none when the config names no namespace): it must exist before
 * anything of a first release — the Lease, the ledger — can be written into it.
 */
export function renderNamespace(
  env: ResolvedConfig,
  ctx: { environment: string; service: string },
): KubeObject[] {
  // A namespace depends on no revision; scopeOf wants one, so it gets an empty placeholder.
  const placeholder = { release: 1, digest: `sha256:${'0'.repeat(64)}`, replicas: 0 };
  return namespace(scopeOf(env, { ...ctx, revisions: [placeholder], traffic: { weights: { '1': 100 } } }));
}

export function renderEnvironment(env: ResolvedConfig, ctx: RenderContext): KubeObject[] {
  const scope = scopeOf(env, ctx);
  // Each revision runs with its own release's config; names, namespace and strategy stay the
  // environment's. Content-hashed ConfigMaps make shared configs one object.
  const revisions = scope.revisions.map((r) => {
    const own: Scope = r.config ? { ...scope, config: r.config } : scope;
    const cm = configMap(own);
    return { cm, secrets: externalSecrets(own), deployment: deployment(own, r, cm.metadata.name) };
  });
  const objects: KubeObject[] = [
    ...namespace(scope),
    serviceAccount(scope),
    ...unique(revisions.map((r) => r.cm)),
    // The environment's ExternalSecrets win over an older release's of the same name.
    ...unique([...externalSecrets(scope), ...revisions.flatMap((r) => r.secrets)]),
    ...revisions.map((r) => r.deployment),
    ...services(scope),
    ...ingress(scope),
    ...httpRoutes(scope),
    ...hpa(scope),
    pdb(scope),
    ...networkPolicy(scope),
    ...podMonitor(scope),
  ];
  return sortObjects(objects.map(canonical));
}
