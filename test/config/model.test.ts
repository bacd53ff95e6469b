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
} from '../../src/config/index.ts';

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
