/** The typed release model (one translation of a resolved environment) and stored configurations. */
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  loadConfig,
  readStoredConfig,
  releaseModel,
  resolveEnvironment,
  storeConfig,
  toReleaseSpec,
  validateConfigText,
} from '../../src/config/index.ts';
import { build } from './support/build.ts';
import { expectProblem, problemsOf } from './support/problems.ts';

const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/hello/slipway.yaml');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('release model', () => {
  it('a local environment: durations in milliseconds, the proxy and probes typed, once', async () => {
    const dev = resolveEnvironment(await loadConfig(EXAMPLE), 'development');
    const model = releaseModel(dev, 'development');
    const local = model.local;
    assert.ok(local, 'development runs locally');
    assert.equal(local.proxy.port, dev.proxy.port);
    assert.equal(typeof local.health.readiness.intervalMs, 'number');
    assert.equal(local.proxy.drainMs, model.spec.drainMs, 'one drain, from proxy.drainTimeout');
    assert.deepEqual(Object.keys(local.env).sort(), Object.keys(dev.env).sort());
    for (const v of Object.values(local.env)) assert.equal(typeof v, 'string');
  });

  it('a kubernetes environment has no local part; its spec is what toReleaseSpec gives', async () => {
    const prod = resolveEnvironment(await loadConfig(EXAMPLE), 'production');
    const model = releaseModel(prod, 'production');
    assert.equal(model.local, undefined);
    const spec = toReleaseSpec(prod, { environment: 'production', release: 3, digest: DIGEST });
    assert.deepEqual(
      { ...spec, release: undefined, artifact: undefined },
      {
        ...model.spec,
        release: undefined,
        artifact: undefined,
      },
    );
  });
});

describe('blue-green prePromotionAnalysis', () => {
  const specOf = (bg: string) => {
    const r = validateConfigText(build({ prod: `strategy: { blue-green: ${bg} }` }), 'slipway.yaml');
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    return toReleaseSpec(resolveEnvironment(r.config, 'prod'), {
      environment: 'prod',
      release: 1,
      digest: DIGEST,
    }).strategy;
  };

  it('true (the default) is bounded by progressDeadline; { maxDuration } is its own bound; false is off', () => {
    assert.deepEqual(specOf('{}'), specOf('{ prePromotionAnalysis: true }'));
    assert.equal('analysisMaxDurationMs' in specOf('{}'), false);
    assert.deepEqual(specOf('{ prePromotionAnalysis: { maxDuration: 2m } }'), {
      kind: 'blue-green',
      prePromotionAnalysis: true,
      analysisMaxDurationMs: 120_000,
      autoPromote: true,
      scaleDownDelayMs: 30_000,
    });
    assert.deepEqual(specOf('{ prePromotionAnalysis: false }'), {
      ...specOf('{}'),
      prePromotionAnalysis: false,
    });
  });

  it('a bad maxDuration or a misspelt key is refused at its own path, not as "wrong type"', () => {
    const at = 'environments.prod.strategy.blue-green.prePromotionAnalysis';
    const of = (bg: string) =>
      problemsOf(build({ prod: `strategy: { blue-green: { prePromotionAnalysis: ${bg} } }` }));
    expectProblem(of('{ maxDuration: soon }'), `${at}.maxDuration`, /is not a valid duration/);
    const typo = expectProblem(of('{ maxDuraton: 2m }'), `${at}.maxDuraton`, /is not a known key/);
    assert.match(typo.hint ?? '', /did you mean "maxDuration"/);
    expectProblem(of('yes'), at, /has the wrong type/);
  });
});

describe('stored configuration', () => {
  it('is versioned and reads back equal; a record of 0.1 (bare document) reads too', async () => {
    const dev = resolveEnvironment(await loadConfig(EXAMPLE), 'development');
    const stored = JSON.parse(JSON.stringify(storeConfig(dev)));
    assert.equal(stored.version, 1);
    assert.deepEqual(readStoredConfig(stored, 'release 1 of development'), dev);
    assert.deepEqual(readStoredConfig(JSON.parse(JSON.stringify(dev)), 'release 1 of development'), dev);
  });

  it('a damaged one is refused with every problem and its path, never used by cast', async () => {
    const dev = resolveEnvironment(await loadConfig(EXAMPLE), 'development');
    const bad = {
      version: 1,
      resolved: { ...dev, replicas: 'three', proxy: { ...dev.proxy, drainTimeout: '5 minutes' } },
    };
    assert.throws(
      () => readStoredConfig(bad, 'release 4 of development'),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /stored configuration of release 4 of development/);
        const paths = err.problems.map((p) => p.path).sort();
        assert.deepEqual(paths, ['resolved.proxy.drainTimeout', 'resolved.replicas']);
        return true;
      },
    );
    assert.throws(() => readStoredConfig({ version: 9, resolved: dev }, 'release 5'), /stored configuration/);
  });
});
