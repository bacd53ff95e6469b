/**
 * Extracts the OpenAPI v3 definitions reachable from the kinds Slipway renders into one compact JSON
 * file that `src/targets/kubernetes/validate/` validates against (strictly: unknown fields are errors).
 *
 *   node scripts/k8s/openapi/extract.ts [--check]
 *
 * Sources, from the Go module cache (`go env GOMODCACHE`; `scripts/k8s/build.sh` fills it):
 * - `k8s.io/kubernetes@v<K8S_VERSION>/api/openapi-spec/v3/*.json` (built-in kinds);
 * - `sigs.k8s.io/gateway-api@v<GATEWAY_API_VERSION>/config/crd/standard/…httproutes.yaml` (HTTPRoute).
 * `ExternalSecret`, Argo Rollouts' `Rollout` and `PodMonitor` come from `extra.ts`: hand-written,
 * strict subsets of the fields Slipway renders (marked as such in the output's `origin`). The
 * ExternalSecret and PodMonitor subsets are checked against the upstream CRDs that
 * `scripts/k8s/build.sh addon-crds` fetches (test/k8s/crd-subsets.test.ts).
 *
 * Compaction: descriptions, defaults, patch hints and every `status` subtree are dropped (Slipway
 * never renders status); `allOf: [{$ref}]` becomes `$ref`; refs are short (`#/d/<name>`);
 * int-or-string and Quantity become `format`s the walker understands. `--check` exits 1 when the
 * committed file differs from a fresh extraction.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXTRA_DEFINITIONS, EXTRA_KINDS } from './extra.ts';

const K8S_VERSION = '1.36.3';
const GATEWAY_API_VERSION = '1.6.3';
const OUT = new URL('../../../src/targets/kubernetes/validate/schemas/k8s-1.36.json', import.meta.url);

/** kind key (`apiVersion/kind`) → [spec file, definition name]. */
const BUILT_IN: Record<string, [string, string]> = {
  'v1/Namespace': ['api__v1_openapi.json', 'io.k8s.api.core.v1.Namespace'],
  'v1/ServiceAccount': ['api__v1_openapi.json', 'io.k8s.api.core.v1.ServiceAccount'],
  'v1/ConfigMap': ['api__v1_openapi.json', 'io.k8s.api.core.v1.ConfigMap'],
  'v1/Service': ['api__v1_openapi.json', 'io.k8s.api.core.v1.Service'],
  'apps/v1/Deployment': ['apis__apps__v1_openapi.json', 'io.k8s.api.apps.v1.Deployment'],
  'networking.k8s.io/v1/Ingress': [
    'apis__networking.k8s.io__v1_openapi.json',
    'io.k8s.api.networking.v1.Ingress',
  ],
  'networking.k8s.io/v1/NetworkPolicy': [
    'apis__networking.k8s.io__v1_openapi.json',
    'io.k8s.api.networking.v1.NetworkPolicy',
  ],
  'autoscaling/v2/HorizontalPodAutoscaler': [
    'apis__autoscaling__v2_openapi.json',
    'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  ],
  'policy/v1/PodDisruptionBudget': [
    'apis__policy__v1_openapi.json',
    'io.k8s.api.policy.v1.PodDisruptionBudget',
  ],
};

type Schema = Record<string, unknown>;
const DROP = new Set([
  'description',
  'default',
  'example',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type',
  'x-kubernetes-map-type',
  'x-kubernetes-unions',
  'x-kubernetes-group-version-kind',
  'x-kubernetes-validations',
  'x-kubernetes-selectable-fields',
]);

/** Compacts one schema node; `visit` is called with every referenced definition name. */
function compact(node: unknown, visit: (name: string) => string): unknown {
  if (Array.isArray(node)) return node.map((n) => compact(n, visit));
  if (typeof node !== 'object' || node === null) return node;
  const s = node as Schema;
  if (typeof s.$ref === 'string') return { $ref: `#/d/${visit(s.$ref.slice(s.$ref.lastIndexOf('/') + 1))}` };
  const allOf = s.allOf as Schema[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0]?.$ref === 'string' && !s.properties)
    return compact(allOf[0], visit);
  if (s.format === 'int-or-string' || s['x-kubernetes-int-or-string'] === true)
    return { format: 'int-or-string' };
  const out: Schema = {};
  for (const key of Object.keys(s).sort()) {
    if (DROP.has(key)) continue;
    if (key === 'properties') {
      const props: Schema = {};
      for (const [name, value] of Object.entries(s.properties as Schema).sort(([a], [b]) =>
        a < b ? -1 : 1,
      )) {
        if (name !== 'status') props[name] = compact(value, visit);
      }
      out.properties = props;
    } else out[key] = compact(s[key], visit);
  }
  return out;
}

function modDir(): string {
  return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
}

export function extract(gomodcache = modDir()): Schema {
  const specDir = join(gomodcache, `k8s.io/kubernetes@v${K8S_VERSION}/api/openapi-spec/v3`);
  const definitions: Schema = {};
  const kinds: Record<string, string> = {};
  const files = new Map<string, Schema>();
  const load = (file: string) => {
    if (!files.has(file)) {
      const spec = JSON.parse(readFileSync(join(specDir, file), 'utf8'));
      files.set(file, spec.components.schemas);
    }
    return files.get(file) as Schema;
  };
  for (const [kind, [file, root]] of Object.entries(BUILT_IN)) {
    const all = load(file);
    const pending = [root];
    kinds[kind] = root;
    while (pending.length > 0) {
      const name = pending.pop() as string;
      if (definitions[name]) continue;
      if (!all[name]) throw new Error(`${file}: no definition ${name}`);
      definitions[name] = {}; // placeholder against cycles (JSONSchemaProps-like self references)
      definitions[name] = compact(all[name], (ref) => {
        if (!definitions[ref]) pending.push(ref);
        return ref;
      });
    }
  }
  const crd = parse(
    readFileSync(
      join(
        gomodcache,
        `sigs.k8s.io/gateway-api@v${GATEWAY_API_VERSION}/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`,
      ),
      'utf8',
    ),
  );
  const v1 = crd.spec.versions.find((v: { name: string }) => v.name === 'v1');
  const route = compact(v1.schema.openAPIV3Schema, (ref) => ref) as Schema;
  (route.properties as Schema).metadata = { $ref: '#/d/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' };
  definitions['io.k8s.networking.gateway.v1.HTTPRoute'] = route;
  kinds['gateway.networking.k8s.io/v1/HTTPRoute'] = 'io.k8s.networking.gateway.v1.HTTPRoute';
  Object.assign(definitions, EXTRA_DEFINITIONS);
  Object.assign(kinds, EXTRA_KINDS);
  const sorted: Schema = {};
  for (const name of Object.keys(definitions).sort()) sorted[name] = definitions[name];
  return {
    origin: {
      kubernetes: `k8s.io/kubernetes@v${K8S_VERSION} api/openapi-spec/v3`,
      gatewayApi: `sigs.k8s.io/gateway-api@v${GATEWAY_API_VERSION} config/crd/standard (HTTPRoute v1)`,
      handWritten:
        'ExternalSecret (external-secrets.io/v1), Rollout (argoproj.io/v1alpha1), PodMonitor (monitoring.coreos.com/v1): strict subsets, see scripts/k8s/openapi/extra.ts',
      generatedBy: 'scripts/k8s/openapi/extract.ts',
    },
    kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => (a < b ? -1 : 1))),
    d: sorted,
  };
}

if (import.meta.main) {
  const text = `${JSON.stringify(extract())}\n`;
  if (process.argv.includes('--check')) {
    const committed = readFileSync(OUT, 'utf8');
    if (committed !== text) {
      process.stderr.write('the committed schema is stale: run node scripts/k8s/openapi/extract.ts\n');
      process.exit(1);
    }
  } else {
    writeFileSync(OUT, text);
    process.stdout.write(`wrote ${OUT.pathname} (${text.length} bytes)\n`);
  }
}
