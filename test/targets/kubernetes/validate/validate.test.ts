/** Strict schema validation, the policy set and waivers, on the example and on broken objects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../../../src/targets/kubernetes/objects.ts';
import { renderArgoRollouts } from '../../../../src/targets/kubernetes/render/argo.ts';
import { renderEnvironment } from '../../../../src/targets/kubernetes/render/index.ts';
import {
  checkWaivers,
  formatReport,
  RULES,
  validateObjects,
} from '../../../../src/targets/kubernetes/validate/index.ts';
import { CONTEXTS, exampleEnvironments } from '../render/example.ts';

const envs = await exampleEnvironments();
const render = (env: string) => renderEnvironment(envs[env]!, CONTEXTS[env]!);
const waiversOf = (env: string) => envs[env]!.kubernetes.waivers ?? [];
// biome-ignore lint/suspicious/noExplicitAny: reaching into rendered JSON to break it
const container = (objects: KubeObject[]): any =>
  // biome-ignore lint/suspicious/noExplicitAny: idem
  (objects.find((o) => o.metadata.name === 'hello-r3') as any).spec.template.spec.containers[0];

for (const env of ['staging', 'production']) {
  test(`${env}: the example validates with zero violations`, () => {
    const report = validateObjects(render(env), waiversOf(env));
    assert.equal(report.ok, true, formatReport(report));
    assert.deepEqual(report.violations, []);
    assert.deepEqual(report.schema, []);
  });
}

test('a waived finding is reported with its reason, and production needs none', () => {
  assert.deepEqual(validateObjects(render('production'), waiversOf('production')).waived, []);
  // What a waived config renders: the zone spread relaxed to ScheduleAnyway.
  const objects = render('production');
  // biome-ignore lint/suspicious/noExplicitAny: reaching into a rendered pod spec
  const pod = (objects.find((o) => o.metadata.name === 'hello-r3') as any).spec.template.spec;
  for (const c of pod.topologySpreadConstraints) {
    if (c.topologyKey === 'topology.kubernetes.io/zone') c.whenUnsatisfiable = 'ScheduleAnyway';
  }
  assert.equal(validateObjects(objects).ok, false, 'unwaived, the relaxed spread is a violation');
  const reason = 'a single-zone cluster: spreading over zones cannot be met';
  const report = validateObjects(objects, [{ rule: 'topology-spread-zones', reason }]);
  assert.deepEqual(
    report.waived.map((w) => [w.rule, w.object, w.reason]),
    [['topology-spread-zones', 'Deployment/hello-r3', reason]],
  );
});

test('the argo-rollouts objects validate too (Rollout subset schema, pod rules on its template)', () => {
  const { objects } = renderArgoRollouts(envs.production!, CONTEXTS.production!);
  const report = validateObjects(objects, waiversOf('production'));
  assert.equal(report.ok, true, formatReport(report));
});

test('an unknown field is a schema error with its path', () => {
  const objects = render('production');
  container(objects).foo = 'bar';
  const report = validateObjects(objects, waiversOf('production'));
  assert.equal(report.ok, false);
  assert.deepEqual(report.schema, [
    { object: 'Deployment/hello-r3', path: 'spec.template.spec.containers[0].foo', message: 'unknown field' },
  ]);
  assert.match(
    formatReport(report),
    /Deployment\/hello-r3: spec\.template\.spec\.containers\[0\]\.foo: unknown field/,
  );
});

test('wrong types and unknown kinds are schema errors', () => {
  const objects = render('staging');
  // biome-ignore lint/suspicious/noExplicitAny: breaking the object on purpose
  (objects.find((o) => o.kind === 'Service') as any).spec.ports[0].port = '80';
  objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } });
  const messages = validateObjects(objects).schema.map((e) => `${e.object}: ${e.path}: ${e.message}`);
  assert.ok(
    messages.includes('Service/hello: spec.ports[0].port: must be integer, got string ("80")'),
    messages.join('\n'),
  );
  assert.ok(
    messages.some((m) => m.startsWith('Secret/x: apiVersion: no schema for v1/Secret')),
    messages.join('\n'),
  );
});

test('HTTPRoute is checked against the Gateway API CRD schema (weight range)', () => {
  const objects = render('production');
  // biome-ignore lint/suspicious/noExplicitAny: breaking the object on purpose
  (objects.find((o) => o.kind === 'HTTPRoute') as any).spec.rules[0].backendRefs[0].weight = 1_000_001;
  const errors = validateObjects(objects, waiversOf('production')).schema;
  assert.deepEqual(
    errors.map((e) => e.path),
    ['spec.rules[0].backendRefs[0].weight'],
  );
});

const broken: [
  string,
  (c: Record<string, unknown> & { securityContext: Record<string, unknown> }) => void,
  string,
  string,
][] = [
  [
    'a missing probe',
    (c) => delete c.livenessProbe,
    'probes',
    'spec.template.spec.containers[0].livenessProbe',
  ],
  [
    'a root user',
    (c) => {
      c.securityContext.runAsUser = 0;
    },
    'pss-run-as-non-root',
    'spec.template.spec.containers[0].securityContext.runAsUser',
  ],
  [
    'a :latest image',
    (c) => {
      c.image = 'ghcr.io/slipway-dev/hello:latest';
    },
    'no-latest',
    'spec.template.spec.containers[0].image',
  ],
  [
    'a writable root filesystem',
    (c) => {
      c.securityContext.readOnlyRootFilesystem = false;
    },
    'read-only-root',
    'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem',
  ],
  [
    'privilege escalation',
    (c) => {
      c.securityContext.allowPrivilegeEscalation = true;
    },
    'pss-privilege-escalation',
    'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
  ],
  [
    'an added capability',
    (c) => {
      c.securityContext.capabilities = { drop: ['ALL'], add: ['NET_ADMIN'] };
    },
    'pss-capabilities',
    'spec.template.spec.containers[0].securityContext.capabilities.add',
  ],
  [
    'no memory limit',
    (c) => {
      c.resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1' } };
    },
    'resources',
    'spec.template.spec.containers[0].resources.limits.memory',
  ],
];
for (const [what, breakIt, rule, path] of broken) {
  test(`${what} is a ${rule} violation at its path`, () => {
    const objects = render('production');
    breakIt(container(objects));
    const report = validateObjects(objects, waiversOf('production'));
    assert.equal(report.ok, false);
    assert.ok(
      report.violations.some((v) => v.rule === rule && v.object === 'Deployment/hello-r3' && v.path === path),
      formatReport(report),
    );
  });
}

test('a PDB that blocks every eviction at the HPA minimum is a violation', () => {
  const objects = render('production');
  // biome-ignore lint/suspicious/noExplicitAny: breaking the object on purpose
  (objects.find((o) => o.kind === 'PodDisruptionBudget') as any).spec.minAvailable = 4;
  const v = validateObjects(objects, waiversOf('production')).violations;
  assert.deepEqual(
    v.map((f) => [f.rule, f.path]),
    [['pdb-allows-eviction', 'spec.minAvailable']],
  );
  assert.match(v[0]!.message, /minimum of 4 pods blocks every eviction \(make it at most 3\)/);
});

test('pods no NetworkPolicy selects are a violation', () => {
  const objects = render('staging').filter((o) => o.kind !== 'NetworkPolicy');
  const v = validateObjects(objects).violations;
  assert.deepEqual([...new Set(v.map((f) => f.rule))], ['network-policy']);
});

test('a waiver covers its rule only, and needs a known rule id and a reason', () => {
  const objects = render('production');
  delete container(objects).livenessProbe;
  const waived = validateObjects(objects, [
    ...waiversOf('production'),
    { rule: 'probes', reason: 'liveness is pointless for this batch job' },
  ]);
  assert.equal(waived.ok, true, formatReport(waived));
  assert.deepEqual(
    waived.waived.map((w) => w.rule),
    ['probes'],
  );

  assert.deepEqual(checkWaivers([{ rule: 'probe', reason: 'no reason given here' }]), [
    `kubernetes.waivers[0].rule: "probe" is not a policy rule (did you mean probes?); rules: ${RULES.map((r) => r.id).join(', ')}`,
  ]);
  assert.match(checkWaivers([{ rule: 'probes', reason: ' ' }])[0] ?? '', /reason of at least 10 characters/);
  assert.equal(
    validateObjects(render('staging'), [{ rule: 'nope', reason: 'a good long reason' }]).ok,
    false,
  );
});

test('every rule has a unique kebab-case id and a description', () => {
  const ids = RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of RULES) {
    assert.match(r.id, /^[a-z0-9][a-z0-9-]*$/);
    assert.ok(r.description.length > 10, r.id);
  }
});
