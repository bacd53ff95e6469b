/**
 * The mistake catalogue: each case is one thing users get wrong, with the exact path reported,
 * the message, and (where it matters) the hint, the position and the redaction of the value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { build } from './support/build.ts';
import { expectProblem, MINIMAL, problemsOf } from './support/problems.ts';

interface Mistake {
  name: string;
  yaml: string;
  path: string;
  message: RegExp;
  hint?: RegExp;
  expected?: RegExp;
  value?: unknown;
  line?: number;
  column?: number;
  env?: string;
}

const steps = (...lines: string[]) =>
  `strategy:\n  canary:\n    steps:\n${lines.map((l) => `      - ${l}`).join('\n')}`;

const mistakes: Mistake[] = [
  // keys
  {
    name: 'unknown top-level key',
    yaml: build({ top: 'replcas: 2' }),
    path: 'replcas',
    message: /is not a known key/,
    hint: /did you mean "replicas"/,
    line: 5,
    column: 1,
  },
  {
    name: 'unknown nested key in an environment',
    yaml: build({ prod: 'kubernetes:\n  namespce: hello' }),
    path: 'environments.prod.kubernetes.namespce',
    message: /is not a known key/,
    hint: /did you mean "namespace"/,
  },
  {
    name: 'wrong case of a key',
    yaml: build({ top: 'portenv: PORT' }),
    path: 'portenv',
    message: /is not a known key/,
    hint: /did you mean "portEnv"/,
  },
  {
    name: 'service overridden per environment',
    yaml: build({ dev: 'service: other' }),
    path: 'environments.dev.service',
    message: /is not a known key/,
    hint: /same in every environment/,
  },
  {
    name: 'unknown key inside a canary step',
    yaml: build({ top: steps('setWeight: 10', 'pause: { duratoin: 1m }') }),
    path: 'strategy.canary.steps[1].pause.duratoin',
    message: /is not a known key/,
    hint: /did you mean "duration"/,
  },
  // types and ranges
  {
    name: 'replicas as a word',
    yaml: build({ top: 'replicas: three' }),
    path: 'replicas',
    message: /must be a number, not a string/,
    value: 'three',
  },
  {
    name: 'replicas zero',
    yaml: build({ top: 'replicas: 0' }),
    path: 'replicas',
    message: /is too small/,
    expected: />= 1/,
  },
  {
    name: 'fractional replicas',
    yaml: build({ prod: 'replicas: 2.5' }),
    path: 'environments.prod.replicas',
    message: /must be (a number|an integer)/,
  },
  { name: 'port out of range', yaml: build({ top: 'port: 70000' }), path: 'port', message: /is too large/ },
  {
    name: 'error rate above 1',
    yaml: build({ top: 'analysis:\n  maxErrorRate: 1.5' }),
    path: 'analysis.maxErrorRate',
    message: /is too large/,
    expected: /< 1/,
  },
  {
    name: 'misspelt noData policy',
    yaml: build({ prod: 'analysis:\n  noData: fial' }),
    path: 'environments.prod.analysis.noData',
    message: /is not an allowed value/,
    hint: /did you mean "fail"/,
  },
  // durations
  {
    name: 'fractional duration',
    yaml: build({ top: 'progressDeadline: 1.5m' }),
    path: 'progressDeadline',
    message: /is not a valid duration/,
    hint: /1h30m/,
  },
  {
    name: 'bare number as a duration',
    yaml: build({ top: 'progressDeadline: 30' }),
    path: 'progressDeadline',
    message: /must be a duration string/,
    hint: /add the unit/,
  },
  {
    name: 'zero duration',
    yaml: build({ top: 'progressDeadline: 0s' }),
    path: 'progressDeadline',
    message: /must be longer than zero/,
  },
  {
    name: 'units out of order',
    yaml: build({}).replace('port: 8700', 'port: 8700, drainTimeout: 30s1m'),
    path: 'environments.dev.proxy.drainTimeout',
    message: /is not a valid duration/,
  },
  {
    name: 'probe timeout longer than its period',
    yaml: build({ top: 'health:\n  readiness: { period: 1s, timeout: 5s }' }),
    path: 'health.readiness.timeout',
    message: /is longer than the period/,
  },
  // canary
  {
    name: 'canary weight 130',
    yaml: build({ top: steps('setWeight: 130') }),
    path: 'strategy.canary.steps[0].setWeight',
    message: /is too large/,
    expected: /<= 100/,
    value: 130,
  },
  {
    name: 'decreasing canary weights',
    yaml: build({ top: steps('setWeight: 50', 'pause: {}', 'setWeight: 20') }),
    path: 'strategy.canary.steps[2].setWeight',
    message: /lower than the weight before it \(50 at steps\[0\]\)/,
  },
  {
    name: 'empty canary steps',
    yaml: build({ top: 'strategy:\n  canary:\n    steps: []' }),
    path: 'strategy.canary.steps',
    message: /is too small/,
    expected: /at least 1 item/,
  },
  {
    name: 'two actions in one step',
    yaml: build({ top: steps('{ setWeight: 10, pause: {} }') }),
    path: 'strategy.canary.steps[0]',
    message: /combines setWeight and pause/,
    hint: /own list item/,
  },
  {
    name: 'empty step',
    yaml: build({ top: steps('setWeight: 10', '{}') }),
    path: 'strategy.canary.steps[1]',
    message: /is an empty step/,
  },
  {
    name: 'analysis step without maxDuration',
    yaml: build({ top: steps('analysis: {}') }),
    path: 'strategy.canary.steps[0].analysis.maxDuration',
    message: /is required/,
  },
  {
    name: 'two strategies at once',
    yaml: build({ top: 'strategy:\n  rolling: {}\n  canary: { steps: [{ setWeight: 10 }] }' }),
    path: 'strategy',
    message: /names 2 strategies/,
  },
  {
    name: 'rolling without surge',
    yaml: build({ top: 'strategy:\n  rolling: { maxSurge: 0 }' }),
    path: 'strategy.rolling.maxSurge',
    message: /allows no extra instance/,
  },
  // environments and targets
  {
    name: 'missing target',
    yaml: build({}).replace('    target: kubernetes\n', '    replicas: 2\n'),
    path: 'environments.prod.target',
    message: /is required/,
  },
  {
    name: 'misspelt target',
    yaml: build({}).replace('target: local', 'target: lokal'),
    path: 'environments.dev.target',
    message: /is not an allowed value/,
    hint: /did you mean "local"/,
  },
  {
    name: 'no environments at all',
    yaml: 'service: hello\nenvironments: {}\n',
    path: 'environments',
    message: /defines no environment/,
  },
  {
    name: 'environment without overlay mapping',
    yaml: 'service: hello\nenvironments:\n  dev: local\n',
    path: 'environments.dev',
    message: /must be a mapping, not a string/,
  },
  {
    name: 'local environment without artifact.local',
    yaml: MINIMAL.replace('  local: { path: ., start: node src/server.ts }\n', ''),
    path: 'environments.dev.artifact.local',
    message: /is required because environment "dev" uses the local target/,
  },
  {
    name: 'kubernetes environment without artifact.image',
    yaml: MINIMAL.replace('  image: ghcr.io/acme/hello\n', ''),
    path: 'environments.prod.artifact.image',
    message: /is required because environment "prod" uses the kubernetes target/,
  },
  {
    name: 'local environment without proxy port',
    yaml: MINIMAL.replace('    proxy: { port: 8700 }\n', ''),
    path: 'environments.dev.proxy.port',
    message: /is required because/,
  },
  {
    name: 'two local environments on one proxy port',
    yaml: build({}).replace(
      'environments:\n',
      'environments:\n  preview:\n    target: local\n    proxy: { port: 8700 }\n',
    ),
    path: 'environments.dev.proxy.port',
    message: /already used by environment "preview" \(proxy\.port\)/,
  },
  {
    name: 'blue-green preview on the proxy port',
    yaml: build({ dev: 'strategy:\n  blue-green: { preview: { port: 8700 } }' }),
    path: 'environments.dev.strategy.blue-green.preview.port',
    message: /already used by environment "dev" \(proxy\.port\)/,
  },
  {
    name: 'unknown environment asked with --env',
    yaml: MINIMAL,
    env: 'prd',
    path: 'environments.prd',
    message: /is not defined/,
    hint: /did you mean "prod"/,
  },
  {
    name: 'invalid environment name',
    yaml: build({}).replace('  prod:', '  Prod_1:'),
    path: 'environments.Prod_1',
    message: /\(key\) is not a valid environment name/,
  },
  {
    name: 'environment with nothing under it',
    yaml: build({}).replace('  prod:\n    target: kubernetes\n', '  prod:\n'),
    path: 'environments.prod',
    message: /is empty/,
    hint: /target: local/,
  },
  {
    name: 'target at the top level',
    yaml: build({ top: 'target: local' }),
    path: 'target',
    message: /is not a known key/,
    hint: /per environment/,
  },
  {
    name: 'key one level too high',
    yaml: build({ top: 'strategy:\n  steps: [{ setWeight: 10 }]' }),
    path: 'strategy.steps',
    message: /is not a known key/,
    hint: /canary\.steps/,
  },
  {
    name: 'YAML merge key',
    yaml: build({ top: 'base: &b { replicas: 2 }' }).replace(
      '    target: kubernetes',
      '    target: kubernetes\n    <<: *b',
    ),
    path: 'environments.prod["<<"]',
    message: /is not a known key/,
    hint: /merge keys are not supported/,
  },
  {
    name: 'reserved __proto__ key',
    yaml: build({ prod: 'env: { __proto__: x }' }),
    path: 'environments.prod.env.__proto__',
    message: /is a reserved name/,
  },
  // artifact and names
  {
    name: 'image with a tag',
    yaml: MINIMAL.replace('ghcr.io/acme/hello', 'ghcr.io/acme/hello:1.2.3'),
    path: 'artifact.image',
    message: /includes a tag/,
    hint: /pinned by digest/,
  },
  {
    name: 'image with a digest',
    yaml: MINIMAL.replace('ghcr.io/acme/hello', `ghcr.io/acme/hello@sha256:${'a'.repeat(64)}`),
    path: 'artifact.image',
    message: /includes a digest/,
  },
  {
    name: 'uppercase service name',
    yaml: MINIMAL.replace('service: hello', 'service: Hello'),
    path: 'service',
    message: /is not a valid service name/,
    line: 1,
    column: 10,
  },
  {
    name: 'local artifact without start command',
    yaml: MINIMAL.replace(', start: node src/server.ts', ''),
    path: 'artifact.local.start',
    message: /is required/,
  },
  // secrets and env
  {
    name: 'inline secret value',
    yaml: build({ prod: 'secrets:\n  DATABASE_URL: postgres://app:hunter2@db/app' }),
    path: 'environments.prod.secrets.DATABASE_URL',
    message: /looks like an inline secret value/,
    value: '<redacted>',
    hint: /references only/,
  },
  {
    name: 'secret reference with a value key',
    yaml: build({
      prod: 'secrets:\n  API_KEY: { source: kubernetes-secret, name: api, key: token, value: abc123 }',
    }),
    path: 'environments.prod.secrets.API_KEY.value',
    message: /is not a known key/,
    hint: /references only/,
  },
  {
    name: 'secret key that is really a value',
    yaml: build({
      prod: 'secrets:\n  API_KEY: { source: kubernetes-secret, name: api, key: "s3cr3t pa$$" }',
    }),
    path: 'environments.prod.secrets.API_KEY.key',
    message: /is not a secret key name/,
    value: '<redacted>',
  },
  {
    name: 'password in plain env',
    yaml: build({ top: 'env:\n  DB_PASSWORD: hunter2' }),
    path: 'env.DB_PASSWORD',
    message: /looks like a secret value/,
    value: '<redacted>',
  },
  {
    name: 'credentials in a URL in plain env',
    yaml: build({ top: 'env:\n  DATABASE_URL: postgres://app:hunter2@db:5432/app' }),
    path: 'env.DATABASE_URL',
    message: /embeds a password/,
    value: '<redacted>',
  },
  {
    name: 'kubernetes secret without object name',
    yaml: build({ prod: 'secrets:\n  DSN: { source: kubernetes-secret, key: dsn }' }),
    path: 'environments.prod.secrets.DSN.name',
    message: /is required for source kubernetes-secret/,
  },
  {
    name: 'file secret on the kubernetes target',
    yaml: build({ top: 'secrets:\n  DSN: { source: file, key: DSN }' }),
    path: 'environments.prod.secrets.DSN.source',
    message: /cannot be read on the kubernetes target/,
  },
  {
    name: 'variable in both env and secrets',
    yaml: build({ dev: 'env: { DSN: x }\nsecrets:\n  DSN: { source: env, key: DSN }' }),
    path: 'environments.dev.secrets.DSN',
    message: /is also set in env/,
  },
  {
    name: 'env sets the port variable',
    yaml: build({ top: 'env: { PORT: 3000 }' }),
    path: 'environments.dev.env.PORT',
    message: /is set by Slipway/,
  },
  // capacity and kubernetes
  {
    name: 'autoscaling min above max',
    yaml: build({ prod: 'autoscaling: { min: 5, max: 3 }\nresources: { requests: { cpu: 100m } }' }),
    path: 'environments.prod.autoscaling.min',
    message: /is above max \(3\)/,
  },
  {
    name: 'replicas outside the autoscaling range',
    yaml: build({
      prod: 'replicas: 1\nautoscaling: { min: 2, max: 6 }\nresources: { requests: { cpu: 100m } }',
    }),
    path: 'environments.prod.replicas',
    message: /outside autoscaling's range 2..6/,
  },
  {
    name: 'autoscaling on the local target',
    yaml: build({
      top: 'replicas: 2\nautoscaling: { min: 2, max: 4 }\nresources: { requests: { cpu: 100m } }',
    }),
    path: 'environments.dev.autoscaling',
    message: /not supported on the local target/,
    hint: /autoscaling: null/,
  },
  {
    name: 'CPU request above its limit',
    yaml: build({ top: 'resources:\n  requests: { cpu: "2" }\n  limits: { cpu: 500m }' }),
    path: 'resources.requests.cpu',
    message: /is above the limit/,
  },
  {
    name: 'memory quantity without a valid unit',
    yaml: build({ top: 'resources:\n  limits: { memory: 1GB }' }),
    path: 'resources.limits.memory',
    message: /is not a memory quantity/,
  },
  {
    name: 'PDB with both fields',
    yaml: build({ prod: 'kubernetes:\n  pdb: { minAvailable: 1, maxUnavailable: 1 }' }),
    path: 'environments.prod.kubernetes.pdb',
    message: /exactly one of minAvailable, maxUnavailable/,
  },
  {
    name: 'PDB that blocks every eviction',
    yaml: build({ prod: 'replicas: 2\nkubernetes:\n  pdb: { minAvailable: 2 }' }),
    path: 'environments.prod.kubernetes.pdb.minAvailable',
    message: /blocks every voluntary eviction/,
  },
  {
    name: 'policy waiver without reason',
    yaml: build({ prod: 'kubernetes:\n  waivers:\n    - rule: read-only-root' }),
    path: 'environments.prod.kubernetes.waivers[0].reason',
    message: /is required/,
  },
  {
    name: 'policy waiver with a token reason',
    yaml: build({ prod: 'kubernetes:\n  waivers:\n    - { rule: read-only-root, reason: ok }' }),
    path: 'environments.prod.kubernetes.waivers[0].reason',
    message: /is too small/,
    expected: /at least 10 characters/,
  },
  {
    name: 'ingress host that is not a host name',
    yaml: build({ prod: 'kubernetes:\n  ingress: { host: "https://hello.example.com" }' }),
    path: 'environments.prod.kubernetes.ingress.host',
    message: /is not a valid host name/,
  },
  // analysis and proxy
  {
    name: 'latency percentile without a bound',
    yaml: build({ top: 'analysis:\n  latency: { percentile: 99 }' }),
    path: 'analysis.latency.maxMs',
    message: /is required/,
  },
  {
    name: 'unknown query provider',
    yaml: build({ top: 'analysis:\n  queries:\n    - { name: q, provider: datadog, query: x, max: 1 }' }),
    path: 'analysis.queries[0].provider',
    message: /is not a known kind/,
  },
  {
    name: 'prometheus query without threshold',
    yaml: build({ top: 'analysis:\n  queries:\n    - { name: q, provider: prometheus, query: up }' }),
    path: 'analysis.queries[0]',
    message: /has no threshold/,
  },
  {
    name: 'retrying a non-idempotent method',
    yaml: build({}).replace('port: 8700', 'port: 8700, retry: { methods: [GET, POST] }'),
    path: 'environments.dev.proxy.retry.methods[1]',
    message: /is not idempotent/,
    hint: /twice/,
  },
  // YAML itself
  {
    name: 'YAML syntax error with line and column',
    yaml: 'service: hello\nport: 8080: 9090\nenvironments: {}\n',
    path: '',
    message: /YAML syntax error: Nested mappings/,
    hint: /quote/,
    line: 2,
    column: 7,
  },
  {
    name: 'duplicate keys',
    yaml: build({ top: 'replicas: 2\nreplicas: 3' }),
    path: 'replicas',
    message: /is defined twice/,
    line: 6,
  },
  {
    name: 'top level is a list',
    yaml: '- service: hello\n',
    path: '',
    message: /must be a mapping at the top level/,
  },
  { name: 'empty file', yaml: '# nothing yet\n', path: '', message: /is empty/ },
  {
    name: 'null in the base',
    yaml: build({ top: 'replicas: ~' }),
    path: 'replicas',
    message: /is null/,
    hint: /only removes a key inside environments/,
  },
  {
    name: 'tab indentation',
    yaml: 'service: hello\nenvironments:\n\tdev: { target: local }\n',
    path: '',
    message: /YAML syntax error/,
    hint: /spaces/,
    line: 3,
    column: 1,
  },
];

describe('config mistakes are reported with path, message and hint', () => {
  it('has at least 30 distinct cases', () => {
    assert.ok(mistakes.length >= 30);
    assert.equal(new Set(mistakes.map((m) => m.name)).size, mistakes.length);
  });

  for (const m of mistakes) {
    it(m.name, () => {
      const problems = problemsOf(m.yaml, m.env);
      const p = expectProblem(problems, m.path, m.message);
      if (m.hint) assert.match(p.hint ?? '', m.hint);
      if (m.expected) assert.match(p.expected ?? '', m.expected);
      if ('value' in m) assert.deepEqual(p.value, m.value);
      if (m.line !== undefined) assert.equal(p.line, m.line, `line of ${m.path}`);
      if (m.column !== undefined) assert.equal(p.column, m.column, `column of ${m.path}`);
      for (const problem of problems) {
        assert.equal(typeof problem.message, 'string');
        if (problem.path.includes('secrets.') || problem.path.startsWith('env.')) {
          assert.doesNotMatch(
            JSON.stringify(problem),
            /hunter2|abc123|s3cr3t/,
            'secret values never appear in problems',
          );
        }
      }
    });
  }
});

describe('problem collection', () => {
  it('reports every problem at once, in file order', () => {
    const problems = problemsOf(
      build({ top: 'replicas: three\nprogressDeadline: 1.5m', prod: 'kubernetes:\n  namespce: x' }).replace(
        'target: local',
        'target: lokal',
      ),
    );
    const paths = problems.map((p) => p.path);
    for (const path of [
      'replicas',
      'progressDeadline',
      'environments.dev.target',
      'environments.prod.kubernetes.namespce',
    ]) {
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    }
    const lines = problems.map((p) => p.line ?? 0);
    assert.deepEqual(
      lines,
      [...lines].sort((a, b) => a - b),
    );
  });

  it('keeps validating past duplicate keys', () => {
    const problems = problemsOf(build({ top: 'replicas: 2\nreplicas: 3\nport: http' }));
    expectProblem(problems, 'replicas', /is defined twice/);
    expectProblem(problems, 'port', /must be a number/);
  });

  it('reports a base mistake once, not once per environment', () => {
    const problems = problemsOf(build({ top: 'replicas: three' }));
    assert.equal(problems.filter((p) => p.path.endsWith('replicas')).length, 1);
  });

  it('attributes an inherited value to the base and an overridden one to the environment', () => {
    const problems = problemsOf(build({ top: 'port: 0', prod: 'port: 99999' }));
    expectProblem(problems, 'port', /too small/);
    expectProblem(problems, 'environments.prod.port', /too large/);
  });

  it('lets an environment remove a base key with null', () => {
    const yaml = build({
      top: 'replicas: 2\nautoscaling: { min: 2, max: 4 }\nresources: { requests: { cpu: 100m } }',
      dev: 'autoscaling: null',
    });
    assert.deepEqual(problemsOf(yaml), []);
  });

  it('checks only the base and the named environment with --env', () => {
    const yaml = build({ prod: 'replicas: 0' });
    assert.deepEqual(problemsOf(yaml, 'dev'), []);
    expectProblem(problemsOf(yaml, 'prod'), 'environments.prod.replicas', /too small/);
  });

  it('points unknown keys at the key and values at the value', () => {
    const problems = problemsOf(build({ top: 'replicas: 0\nreplcas: 2' }));
    assert.deepEqual(
      [expectProblem(problems, 'replicas', /small/), expectProblem(problems, 'replcas', /known/)].map((p) => [
        p.line,
        p.column,
      ]),
      [
        [5, 11],
        [6, 1],
      ],
    );
  });
});
