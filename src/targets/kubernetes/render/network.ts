/**
 * Services, Ingress, HTTPRoute and NetworkPolicy.
 *
 * Services (all on port 80 → the container's `http` port):
 * - `<service>` (stable): blue-green selects the stable release (the switch is a selector change);
 *   canary with a Gateway selects the stable release too (weights live on the HTTPRoute); canary
 *   without a Gateway and rolling select every pod (traffic follows the replica ratio);
 * - `<service>-preview` (blue-green): the preview release, for checks before the switch;
 * - `<service>-r<N>` (canary): one per revision. HTTPRoute `backendRefs` weigh Services, not pods,
 *   so a weighted split needs one Service per revision; they also let HTTP checks reach the candidate.
 */
import { type KubeObject, ownerLabels, podSelector, revisionName, revisionSelector } from '../objects.ts';
import { HTTP, type Scope, SERVICE_PORT } from './context.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

export function service(
  scope: Scope,
  name: string,
  selector: Record<string, string>,
  component: string,
  release?: number,
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: scope.namespace, labels: ownerLabels(scope.owner, component, release) },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: HTTP, port: SERVICE_PORT, targetPort: HTTP, protocol: 'TCP' }],
    },
  };
}

export const previewName = (s: string) => `${s}-preview`;

export function services(scope: Scope): KubeObject[] {
  const { owner } = scope;
  const pinned =
    scope.strategy === 'blue-green' ||
    (scope.strategy === 'canary' && scope.config.kubernetes.gateway !== undefined);
  const out = [
    service(
      scope,
      owner.service,
      pinned ? revisionSelector(owner, scope.stable) : podSelector(owner),
      'stable',
    ),
  ];
  if (scope.strategy === 'blue-green') {
    out.push(service(scope, previewName(owner.service), revisionSelector(owner, scope.preview), 'preview'));
  }
  if (scope.strategy === 'canary') {
    for (const r of scope.revisions) {
      out.push(
        service(
          scope,
          revisionName(owner.service, r.release),
          revisionSelector(owner, r.release),
          'revision',
          r.release,
        ),
      );
    }
  }
  return out;
}

function ingressRule(host: string, backend: string) {
  return {
    host,
    http: {
      paths: [
        { path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { name: HTTP } } } },
      ],
    },
  };
}

export function ingress(scope: Scope): KubeObject[] {
  const cfg = scope.config.kubernetes.ingress;
  if (!cfg) return [];
  const previewHost = scope.config.strategy['blue-green']?.preview?.host;
  const rules = [ingressRule(cfg.host, scope.owner.service)];
  if (previewHost) rules.push(ingressRule(previewHost, previewName(scope.owner.service)));
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: scope.owner.service,
        namespace: scope.namespace,
        labels: ownerLabels(scope.owner, 'ingress'),
      },
      spec: {
        ingressClassName: cfg.className,
        rules,
        tls: cfg.tls ? [{ hosts: rules.map((r) => r.host), secretName: cfg.tls.secretName }] : undefined,
      },
    },
  ];
}

/** Canary: weighted backends per revision (0 included, so a rollback is a weight change only). */
function backends(scope: Scope) {
  if (scope.strategy !== 'canary') return [{ name: scope.owner.service, port: SERVICE_PORT, weight: 100 }];
  return scope.revisions.map((r) => ({
    name: revisionName(scope.owner.service, r.release),
    port: SERVICE_PORT,
    weight: scope.weights[String(r.release)] ?? 0,
  }));
}

/** `backendRefs` overrides the weighted backends (Argo Rollouts routes to stable/canary Services). */
export function httpRoutes(scope: Scope, backendRefs?: unknown[]): KubeObject[] {
  const gw = scope.config.kubernetes.gateway;
  if (!gw) return [];
  const parentRefs = [{ group: GATEWAY_GROUP, kind: 'Gateway', ...gw.parentRef }];
  const route = (
    name: string,
    hostnames: string[] | undefined,
    backendRefs: unknown[],
    component: string,
  ): KubeObject => ({
    apiVersion: `${GATEWAY_GROUP}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: scope.namespace, labels: ownerLabels(scope.owner, component) },
    spec: {
      parentRefs,
      hostnames,
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs }],
    },
  });
  const out = [route(scope.owner.service, gw.hostnames, backendRefs ?? backends(scope), 'route')];
  const previewHost = scope.config.strategy['blue-green']?.preview?.host;
  if (previewHost) {
    out.push(
      route(
        previewName(scope.owner.service),
        [previewHost],
        [{ name: previewName(scope.owner.service), port: SERVICE_PORT }],
        'preview-route',
      ),
    );
  }
  return out;
}

/** Namespaces allowed to reach the app port: the Gateway's, plus `allowFromNamespaces`. */
export function allowedNamespaces(scope: Scope): string[] {
  const k = scope.config.kubernetes;
  const gwNamespace = k.gateway ? (k.gateway.parentRef.namespace ?? scope.namespace) : undefined;
  return [
    ...new Set([...(gwNamespace ? [gwNamespace] : []), ...(k.networkPolicy.allowFromNamespaces ?? [])]),
  ].sort();
}

/**
 * Deny all ingress and egress to the service's pods except: ingress on the app port from the allowed
 * namespaces, and DNS egress. Egress to other destinations needs a config field (not yet there).
 */
export function networkPolicy(scope: Scope): KubeObject[] {
  if (!scope.config.kubernetes.networkPolicy.enabled) return [];
  const dnsPorts = [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ];
  const from = allowedNamespaces(scope).map((ns) => ({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
  }));
  return [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: scope.owner.service,
        namespace: scope.namespace,
        labels: ownerLabels(scope.owner, 'network'),
      },
      spec: {
        podSelector: { matchLabels: podSelector(scope.owner) },
        policyTypes: ['Ingress', 'Egress'],
        ingress: from.length > 0 ? [{ from, ports: [{ port: HTTP, protocol: 'TCP' }] }] : [],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
            ports: dnsPorts,
          },
        ],
      },
    },
  ];
}
