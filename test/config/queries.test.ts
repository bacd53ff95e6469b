// analysis.queries from slipway.yaml to the release spec: Prometheus queries need a server, the
// templates only use substituted names, and each query becomes one check in the spec.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ResolvedConfig, validateConfigText } from '../../src/config/index.ts';
import { toReleaseSpec } from '../../src/config/model.ts';
import { build } from './support/build.ts';
import { expectProblem, problemsOf } from './support/problems.ts';

const LATENCY = '{ name: p99, provider: prometheus, query: "x{r=\\"{{revision}}\\"}", max: 0.3 }';
const HEALTH =
  '{ name: healthz, provider: http, url: "http://127.0.0.1:8701/healthz?r={{revision}}", timeout: 2s }';

describe('analysis.queries in the config', () => {
  it('a Prometheus query with neither its own address nor analysis.prometheus.url is an error at its path', () => {
    const yaml = build({ prod: `analysis:\n  queries:\n    - ${HEALTH}\n    - ${LATENCY}` });
    const problems = problemsOf(yaml);
    const p = expectProblem(
      problems,
      'environments.prod.analysis.queries[1].address',
      /is required: query "p99" reads Prometheus, and analysis.prometheus.url is not set/,
    );
    assert.match(p.expected ?? '', /Prometheus base URL/);
    assert.match(p.hint ?? '', /analysis\.prometheus\.url/);
    assert.equal(problems.length, 1, 'the http check needs no server');
  });

  it('the environment default, or the query’s own address, satisfies it', () => {
    const withDefault = `analysis:\n  prometheus: { url: "http://prom:9090" }\n  queries:\n    - ${LATENCY}`;
    assert.deepEqual(problemsOf(build({ prod: withDefault })), []);
    const own = LATENCY.replace('max:', 'address: "http://other:9090", max:');
    assert.deepEqual(problemsOf(build({ prod: `analysis:\n  queries:\n    - ${own}` })), []);
  });

  it('in the base, it is reported for each environment that lacks a server', () => {
    const yaml = build({
      top: `analysis:\n  queries:\n    - ${LATENCY}`,
      prod: 'analysis:\n  prometheus: { url: "http://prom:9090" }',
    });
    const paths = problemsOf(yaml).map((p) => p.path);
    assert.deepEqual(paths, ['environments.dev.analysis.queries[0].address']);
  });

  it('an unknown template name is an error at the query', () => {
    const yaml = build({
      prod: `analysis:\n  prometheus: { url: "http://prom:9090" }\n  queries:\n    - { name: q, provider: prometheus, query: "x{pod=\\"{{pod}}\\"}", max: 1 }`,
    });
    const p = expectProblem(problemsOf(yaml), 'environments.prod.analysis.queries[0].query', /\{\{pod\}\}/);
    assert.match(p.expected ?? '', /\{\{revision\}\}/);
  });

  it('each query becomes a check in the release spec, with its server and durations in ms', () => {
    const yaml = build({
      prod: `analysis:\n  prometheus: { url: "http://prom:9090" }\n  queries:\n    - ${LATENCY}\n    - ${HEALTH}\n    - { name: own, provider: prometheus, address: "http://other:9090", query: up, min: 1 }`,
    });
    const result = validateConfigText(yaml, 'slipway.yaml');
    assert.ok(result.ok);
    const resolved = result.config.environments.prod as ResolvedConfig;
    const spec = toReleaseSpec(resolved, {
      environment: 'prod',
      release: 3,
      digest: `sha256:${'a'.repeat(64)}`,
    });
    assert.deepEqual(spec.analysis.checks, [
      {
        kind: 'prometheus',
        name: 'p99',
        query: 'x{r="{{revision}}"}',
        max: 0.3,
        address: 'http://prom:9090',
        addressFrom: 'default',
      },
      {
        kind: 'http',
        name: 'healthz',
        url: 'http://127.0.0.1:8701/healthz?r={{revision}}',
        method: 'GET',
        expectStatus: 200,
        timeoutMs: 2000,
      },
      {
        kind: 'prometheus',
        name: 'own',
        query: 'up',
        min: 1,
        address: 'http://other:9090',
        addressFrom: 'query',
      },
    ]);
    const none = toReleaseSpec(result.config.environments.dev as ResolvedConfig, {
      environment: 'dev',
      release: 1,
      digest: `sha256:${'a'.repeat(64)}`,
    });
    assert.equal(none.analysis.checks, undefined, 'no queries, no checks');
  });
});
