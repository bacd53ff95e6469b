/** Render decisions one at a time: probes, traffic per strategy, secrets, HPA/PDB, refusals. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResolvedConfig } from '../../../../src/config/index.ts';
import type { KubeObject } from '../../../../src/targets/kubernetes/objects.ts';
import { RenderError, renderEnvironment } from '../../../../src/targets/kubernetes/render/index.ts';
import { probe } from '../../../../src/targets/kubernetes/render/pod.ts';
import { validateObjects } from '../../../../src/targets/kubernetes/validate/index.ts';
import { evictable } from '../../../../src/targets/kubernetes/validate/policies/availability.ts';
import { CONTEXTS, DIGEST_A, DIGEST_B, exampleEnvironments } from './example.ts';

const envs = await exampleEnvironments();
// biome-ignore lint/suspicious/noExplicitAny: tests read rendered JSON freely
type Any = any;
const find = (objects: KubeObject[], kind: string, name: string): Any => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};
const withConfig = (env: string, patch: (c: ResolvedConfig) => ResolvedConfig) =>
  patch(structuredClone(envs[env]!));

test('probes: whole seconds, failure window kept', () => {
  const cases: [string, Parameters<typeof probe>[0], [number, number, number]][] = [
    [
      '500ms × 40 → 1s × 20',
      { path: '/h', period: '500ms', timeout: '500ms', failureThreshold: 40 },
      [1, 1, 20],
    ],
    ['1s × 2 unchanged', { path: '/h', period: '1s', timeout: '500ms', failureThreshold: 2 }, [1, 1, 2]],
    [
      '1500ms × 3 → 2s × 3 (4.5 s window rounds up)',
      { path: '/h', period: '1500ms', timeout: '1s', failureThreshold: 3 },
      [2, 1, 3],
    ],
    ['10s × 3, timeout 2s', { path: '/h', period: '10s', timeout: '2s', failureThreshold: 3 }, [10, 2, 3]],
  ];
  for (const [name, input, [period, timeout, threshold]] of cases) {
    const p = probe(input);
    assert.deepEqual(
      [p.periodSeconds, p.timeoutSeconds, p.failureThreshold],
      [period, timeout, threshold],
      name,
    );
  }
});

test('canary with a Gateway: one Service per revision, HTTPRoute weights from traffic, stable pinned', () => {
  const objects = renderEnvironment(envs.production!, CONTEXTS.production!);
  const route = find(objects, 'HTTPRoute', 'hello');
  assert.deepEqual(route.spec.rules[0].backendRefs, [
    { name: 'hello-r3', port: 80, weight: 95 },
    { name: 'hello-r4', port: 80, weight: 5 },
  ]);
  assert.equal(find(objects, 'Service', 'hello-r4').spec.selector['slipway.dev/release'], '4');
  assert.equal(find(objects, 'Service', 'hello').spec.selector['slipway.dev/release'], '3');
  assert.equal(find(objects, 'HorizontalPodAutoscaler', 'hello').spec.scaleTargetRef.name, 'hello-r3');
  assert.equal(
    find(objects, 'Deployment', 'hello-r4').spec.template.spec.containers[0].image,
    `ghcr.io/slipway-dev/hello@${DIGEST_B}`,
  );
});

test('canary without a Gateway: the stable Service spans revisions (replica ratio)', () => {
  const config = withConfig('production', (c) => ({
    ...c,
    kubernetes: { ...c.kubernetes, gateway: undefined },
  }));
  const objects = renderEnvironment(config, CONTEXTS.production!);
  assert.equal(find(objects, 'Service', 'hello').spec.selector['slipway.dev/release'], undefined);
  assert.ok(!objects.some((o) => o.kind === 'HTTPRoute'));
});

test('blue-green: the switch is the stable selector; preview follows traffic.preview', () => {
  const ctx = CONTEXTS.staging!;
  const before = renderEnvironment(envs.staging!, ctx);
  const after = renderEnvironment(envs.staging!, {
    ...ctx,
    traffic: { weights: { '2': 100 }, stable: 2, preview: 2 },
  });
  assert.equal(find(before, 'Service', 'hello').spec.selector['slipway.dev/release'], '1');
  assert.equal(find(before, 'Service', 'hello-preview').spec.selector['slipway.dev/release'], '2');
  assert.equal(find(after, 'Service', 'hello').spec.selector['slipway.dev/release'], '2');
  assert.deepEqual(
    find(before, 'Ingress', 'hello').spec.rules.map((r: Any) => [
      r.host,
      r.http.paths[0].backend.service.name,
    ]),
    [
      ['hello.staging.example.com', 'hello'],
      ['preview.hello.staging.example.com', 'hello-preview'],
    ],
  );
});

test('rolling: one Deployment named after the service, selector without the release', () => {
  const config = withConfig('staging', (c) => ({
    ...c,
    strategy: { rolling: { maxSurge: 2, maxUnavailable: 0 } },
  }));
  const objects = renderEnvironment(config, CONTEXTS.staging!);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  assert.deepEqual(
    deployments.map((d) => d.metadata.name),
    ['hello'],
  );
  const d = deployments[0] as Any;
  assert.equal(d.spec.selector.matchLabels['slipway.dev/release'], undefined);
  assert.equal(d.spec.template.metadata.labels['slipway.dev/release'], '2', 'the newest revision');
  assert.equal(d.spec.strategy.rollingUpdate.maxSurge, 2);
  assert.equal(validateObjects(objects).ok, true);
});

test('secrets are references: no Secret objects, no values, file/env sources point at <service>-secrets', () => {
  const config = withConfig('staging', (c) => ({
    ...c,
    secrets: {
      ...c.secrets,
      API_TOKEN: { source: 'file', key: 'API_TOKEN', optional: false },
      GITHUB_TOKEN: { source: 'env', key: 'GH', optional: false },
    },
  }));
  const objects = renderEnvironment(config, CONTEXTS.staging!);
  assert.ok(!objects.some((o) => o.kind === 'Secret'));
  const env = find(objects, 'Deployment', 'hello-r1').spec.template.spec.containers[0].env;
  assert.deepEqual(env, [
    {
      name: 'API_TOKEN',
      valueFrom: { secretKeyRef: { key: 'API_TOKEN', name: 'hello-secrets', optional: false } },
    },
    {
      name: 'ERROR_REPORTING_DSN',
      valueFrom: { secretKeyRef: { key: 'dsn', name: 'hello-observability', optional: true } },
    },
    {
      name: 'GITHUB_TOKEN',
      valueFrom: { secretKeyRef: { key: 'GITHUB_TOKEN', name: 'hello-secrets', optional: false } },
    },
  ]);
});

test('the ConfigMap name follows its content', () => {
  const a = renderEnvironment(envs.staging!, CONTEXTS.staging!);
  const changed = withConfig('staging', (c) => ({ ...c, env: { ...c.env, LOG_LEVEL: 'warn' } }));
  const b = renderEnvironment(changed, CONTEXTS.staging!);
  const name = (objs: KubeObject[]) => objs.find((o) => o.kind === 'ConfigMap')!.metadata.name;
  assert.match(name(a), /^hello-env-[0-9a-f]{10}$/);
  assert.notEqual(name(a), name(b));
  assert.equal(
    find(b, 'Deployment', 'hello-r1').spec.template.spec.containers[0].envFrom[0].configMapRef.name,
    name(b),
  );
});

test('a revision made with an older config keeps its own ConfigMap and probes beside the candidate', () => {
  const old = withConfig('production', (c) => ({
    ...c,
    env: { ...c.env, LOG_LEVEL: 'debug' },
    health: { ...c.health, readiness: { ...c.health.readiness, path: '/ready-old' } },
  }));
  const ctx = CONTEXTS.production!;
  const objects = renderEnvironment(envs.production!, {
    ...ctx,
    revisions: [{ ...ctx.revisions[0]!, config: old }, ctx.revisions[1]!],
  });
  const maps = objects.filter((o) => o.kind === 'ConfigMap') as Any[];
  assert.equal(maps.length, 2);
  const stable = find(objects, 'Deployment', 'hello-r3').spec.template.spec.containers[0];
  const candidate = find(objects, 'Deployment', 'hello-r4').spec.template.spec.containers[0];
  const data = (name: string) => maps.find((m) => m.metadata.name === name).data;
  assert.equal(data(stable.envFrom[0].configMapRef.name).LOG_LEVEL, 'debug');
  assert.equal(data(candidate.envFrom[0].configMapRef.name).LOG_LEVEL, 'info');
  assert.equal(stable.readinessProbe.httpGet.path, '/ready-old');
  assert.equal(candidate.readinessProbe.httpGet.path, '/readyz');
  // Without per-revision configs, both share one ConfigMap.
  assert.equal(renderEnvironment(envs.production!, ctx).filter((o) => o.kind === 'ConfigMap').length, 1);
});

test('PDB arithmetic: pods a budget lets go at the minimum size', () => {
  const cases: [string, Record<string, number | string>, number, number][] = [
    ['minAvailable 3 of 4', { minAvailable: 3 }, 4, 1],
    ['minAvailable 4 of 4 blocks', { minAvailable: 4 }, 4, 0],
    ['minAvailable 100% blocks', { minAvailable: '100%' }, 4, 0],
    ['minAvailable 50% of 3 → 2 stay', { minAvailable: '50%' }, 3, 1],
    ['maxUnavailable 1', { maxUnavailable: 1 }, 2, 1],
    ['maxUnavailable 0 blocks', { maxUnavailable: 0 }, 2, 0],
    ['maxUnavailable 10% of 4 rounds up to 1', { maxUnavailable: '10%' }, 4, 1],
  ];
  for (const [name, spec, minimum, expected] of cases) assert.equal(evictable(spec, minimum), expected, name);
});

test('bad context is refused with what to fix', () => {
  const bad: [string, Partial<typeof CONTEXTS.staging>, RegExp][] = [
    ['no revision', { revisions: [] }, /no revision given/],
    [
      'a tag as digest',
      { revisions: [{ release: 1, digest: 'latest', replicas: 1 }] },
      /digest "latest" is not sha256:<64 hex digits>/,
    ],
    [
      'duplicate release',
      {
        revisions: [
          { release: 1, digest: DIGEST_A, replicas: 1 },
          { release: 1, digest: DIGEST_B, replicas: 1 },
        ],
      },
      /unique/,
    ],
    [
      'stable not running',
      { traffic: { weights: {}, stable: 9 } },
      /traffic\.stable 9 is not among the revisions \(1, 2\)/,
    ],
  ];
  for (const [name, patch, message] of bad) {
    assert.throws(
      () => renderEnvironment(envs.staging!, { ...CONTEXTS.staging!, ...patch }),
      (e: unknown) => e instanceof RenderError && message.test(e.message),
      name,
    );
  }
  const noImage = withConfig('staging', (c) => ({ ...c, artifact: { ...c.artifact, image: undefined } }));
  assert.throws(() => renderEnvironment(noImage, CONTEXTS.staging!), /artifact\.image is required/);
});
