// Smoke tests of the local control plane itself (scripts/k8s/): the behaviour the Kubernetes target
// relies on must come from the real API server and controllers, so each test checks one of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ApiException,
  CoordinationV1Api,
  type KubernetesObject,
  PatchStrategy,
  type V1Deployment,
  V1MicroTime,
  VersionApi,
} from '@kubernetes/client-node';
import type { KubeObject } from '../../src/targets/kubernetes/objects.ts';
import { renderEnvironment } from '../../src/targets/kubernetes/render/index.ts';
import { validateSchema } from '../../src/targets/kubernetes/validate/index.ts';
import { type Cluster, eventually, useCluster } from '../support/k8s/cluster.ts';
import { CONTEXTS, exampleEnvironments } from '../targets/kubernetes/render/example.ts';

const { cluster, skip } = await useCluster();
const c = cluster as Cluster;

function deployment(namespace: string, name: string, extra: Record<string, unknown> = {}): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: `registry.example/app@sha256:${'0'.repeat(64)}`, ...extra }],
        },
      },
    },
  };
}

/** The API server's Status message, whether the client library parsed the body or not. */
function bodyText(error: ApiException<unknown>): string {
  return typeof error.body === 'string' ? error.body : JSON.stringify(error.body);
}

function httpRoute(namespace: string, weight: number): KubernetesObject & { spec: unknown } {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web', namespace },
    spec: {
      parentRefs: [{ name: 'slipway', namespace: 'slipway-system' }],
      rules: [
        {
          backendRefs: [
            { name: 'web-stable', port: 80, weight: 100 - weight },
            { name: 'web-canary', port: 80, weight },
          ],
        },
      ],
    },
  };
}

/** The example's production objects of `kind`, as rendered mid canary, moved into `namespace`. */
async function exampleProduction(kind: string, namespace: string): Promise<KubeObject[]> {
  const production = (await exampleEnvironments()).production;
  assert.ok(production && CONTEXTS.production, 'the example has a production environment');
  const objects = renderEnvironment(production, CONTEXTS.production).filter((o) => o.kind === kind);
  assert.ok(objects.length > 0, `the example's production environment renders a ${kind}`);
  return objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
}

/** kubectl's strict server-side dry run of raw manifests (client-node's models would drop unknown fields). */
function strictDryRun(objects: KubeObject[]) {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects });
  return c.kubectl(
    ['apply', '--server-side', '--dry-run=server', '--validate=strict', '--field-manager=slipway', '-f', '-'],
    list,
  );
}

describe('local Kubernetes control plane', { skip, timeout: 180_000 }, () => {
  test('reports the version it was built at', async () => {
    const info = await c.kubeConfig.makeApiClient(VersionApi).getCode();
    assert.equal(info.gitVersion, `v${c.paths.kubernetesVersion}`);
  });

  test('has three Ready kwok nodes', async () => {
    const nodes = await c.core.listNode();
    const ready = nodes.items.filter((node) =>
      node.status?.conditions?.some((cond) => cond.type === 'Ready' && cond.status === 'True'),
    );
    assert.ok(
      ready.length >= 3,
      `expected at least 3 Ready nodes, got ${ready.map((n) => n.metadata?.name)}`,
    );
  });

  test('a 3-replica Deployment becomes Available with its pods spread over the nodes', async (t) => {
    const namespace = await c.namespace(t);
    await c.apps.createNamespacedDeployment({ namespace, body: deployment(namespace, 'web') });
    const status = await eventually('Deployment web to be Available with 3 ready replicas', async () => {
      const d = await c.apps.readNamespacedDeploymentStatus({ name: 'web', namespace });
      const available = d.status?.conditions?.find((cond) => cond.type === 'Available')?.status === 'True';
      return available && d.status?.readyReplicas === 3 ? d.status : undefined;
    });
    assert.equal(status.availableReplicas, 3);
    const pods = await c.core.listNamespacedPod({ namespace, labelSelector: 'app=web' });
    assert.equal(pods.items.length, 3);
    for (const pod of pods.items) {
      assert.equal(pod.status?.phase, 'Running', `pod ${pod.metadata?.name} is ${pod.status?.phase}`);
      assert.match(pod.spec?.nodeName ?? '', /^kwok-node-/);
    }
  });

  test('an HTTPRoute with weighted backends is accepted, an invalid weight is rejected', async (t) => {
    const namespace = await c.namespace(t);
    const created = await c.objects.create(httpRoute(namespace, 10));
    assert.ok(created.metadata?.uid, 'the API server stored the HTTPRoute');
    const stored = await c.objects.read<KubernetesObject & { spec: { rules: unknown[] } }>({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'web', namespace },
    });
    const rule = stored.spec.rules[0] as { backendRefs: unknown; matches: unknown };
    assert.deepEqual(rule.backendRefs, [
      { group: '', kind: 'Service', name: 'web-stable', port: 80, weight: 90 },
      { group: '', kind: 'Service', name: 'web-canary', port: 80, weight: 10 },
    ]);
    // The CRD's defaults were applied by the API server.
    assert.deepEqual(rule.matches, [{ path: { type: 'PathPrefix', value: '/' } }]);

    // The CRD's OpenAPI schema caps weights at 1,000,000: the real API server enforces it.
    const bad = { ...httpRoute(namespace, 2_000_000), metadata: { name: 'bad', namespace } };
    await assert.rejects(c.objects.create(bad), (error: unknown) => {
      assert.ok(error instanceof ApiException, String(error));
      assert.equal(error.code, 422);
      assert.match(bodyText(error), /weight/);
      return true;
    });
  });

  test('server-side apply dry-run with strict field validation rejects an unknown field by its path', async (t) => {
    const namespace = await c.namespace(t);
    const typo = deployment(namespace, 'typo', { imagePullPolicyy: 'Always' });
    // Pitfall for the Kubernetes target: client-node serializes typed kinds through its models, which
    // drop unknown fields before the request is sent, so the server never sees the typo and the
    // dry run succeeds. Strict validation must be given the raw manifest (kubectl, or raw JSON).
    const echoed = await c.strictObjects.patch(
      typo,
      undefined,
      'All',
      'slipway',
      true,
      PatchStrategy.ServerSideApply,
    );
    assert.doesNotMatch(JSON.stringify(echoed), /imagePullPolicyy/);
    // The raw manifest through kubectl, as the issue states it: rejected, with the field's path.
    const manifest = JSON.stringify(typo);
    const cli = c.kubectl(
      [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--validate=strict',
        '--field-manager=slipway',
        '-f',
        '-',
      ],
      manifest,
    );
    await assert.rejects(cli, (error: { stderr?: string }) => {
      assert.match(error.stderr ?? '', /spec\.template\.spec\.containers\S*\.imagePullPolicyy/);
      return true;
    });
    // Nothing was stored by either dry run.
    const list = await c.apps.listNamespacedDeployment({ namespace });
    assert.equal(list.items.length, 0);
  });

  test('a Lease can be created and renewed, and a stale update conflicts', async (t) => {
    const namespace = await c.namespace(t);
    const leases = c.kubeConfig.makeApiClient(CoordinationV1Api);
    const lease = await leases.createNamespacedLease({
      namespace,
      body: {
        metadata: { name: 'slipway-lock', namespace },
        spec: { holderIdentity: 'engine-a', leaseDurationSeconds: 15, acquireTime: new V1MicroTime() },
      },
    });
    const renewed = await leases.replaceNamespacedLease({
      name: 'slipway-lock',
      namespace,
      body: { ...lease, spec: { ...lease.spec, renewTime: new V1MicroTime(), leaseTransitions: 0 } },
    });
    assert.notEqual(renewed.metadata?.resourceVersion, lease.metadata?.resourceVersion);
    // A second writer holding the old resourceVersion loses: this is what makes the Lease a lock.
    await assert.rejects(
      leases.replaceNamespacedLease({
        name: 'slipway-lock',
        namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: 'engine-b' } },
      }),
      (error: unknown) => error instanceof ApiException && error.code === 409,
    );
    const current = await leases.readNamespacedLease({ name: 'slipway-lock', namespace });
    assert.equal(current.spec?.holderIdentity, 'engine-a');
  });

  test("the example production env's ExternalSecret and PodMonitor pass a strict server-side dry run", async (t) => {
    const namespace = await c.namespace(t);
    const objects = [
      ...(await exampleProduction('ExternalSecret', namespace)),
      ...(await exampleProduction('PodMonitor', namespace)),
    ];
    const { stdout } = await strictDryRun(objects);
    assert.match(stdout, /externalsecret\.external-secrets\.io\/hello-observability serverside-applied/);
    assert.match(stdout, /podmonitor\.monitoring\.coreos\.com\/hello serverside-applied/);
  });

  test('the upstream CRDs are strict: an unknown field and a bad secretKey are refused, as Slipway refuses them', async (t) => {
    const namespace = await c.namespace(t);
    const [secret] = await exampleProduction('ExternalSecret', namespace);
    const [monitor] = await exampleProduction('PodMonitor', namespace);
    const spec = (o: KubeObject | undefined) => (o as KubeObject & { spec: Record<string, unknown> }).spec;
    const typo = { ...monitor, spec: { ...spec(monitor), podMetricsEndpoint: [] } } as KubeObject;
    // kubectl checks the CRD's published schema before sending (its message names the field
    // without the full path), the API server after: either way the upstream schema refuses it.
    await assert.rejects(strictDryRun([typo]), (error: { stderr?: string }) => {
      assert.match(error.stderr ?? '', /unknown field "(spec\.)?podMetricsEndpoint"/);
      return true;
    });
    // A Secret key with a space: the CRD's pattern refuses it, and so does the schema subset
    // Slipway validates against before anything reaches a cluster.
    const data = [{ secretKey: 'api key', remoteRef: { key: 'hello-observability', property: 'dsn' } }];
    const badKey = { ...secret, spec: { ...spec(secret), data } } as KubeObject;
    await assert.rejects(strictDryRun([badKey]), (error: { stderr?: string }) => {
      assert.match(error.stderr ?? '', /spec\.data\[0\]\.secretKey/);
      return true;
    });
    assert.deepEqual(
      validateSchema([badKey]).map((e) => e.path),
      ['spec.data[0].secretKey'],
    );
  });
});
