import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ConfigError,
  configHash,
  loadConfig,
  resolveEnvironment,
  toReleaseSpec,
} from '../../src/config/index.ts';

const EXAMPLE = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples/hello/slipway.yaml');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('examples/hello/slipway.yaml', () => {
  it('starts with the yaml-language-server schema comment', () => {
    const first = readFileSync(EXAMPLE, 'utf8').split('\n')[0];
    assert.equal(first, '# yaml-language-server: $schema=../../schema/slipway.schema.json');
  });

  it('validates, with development on local and staging/production on kubernetes', async () => {
    const config = await loadConfig(EXAMPLE);
    assert.equal(config.service, 'hello');
    assert.equal(config.dir, dirname(EXAMPLE));
    assert.deepEqual(
      Object.fromEntries(Object.entries(config.environments).map(([name, env]) => [name, env.target])),
      { development: 'local', staging: 'kubernetes', production: 'kubernetes' },
    );
  });

  it('resolves overlays: development canary, staging blue-green, production canary with autoscaling', async () => {
    const config = await loadConfig(EXAMPLE);
    const dev = resolveEnvironment(config, 'development');
    assert.ok(
      dev.artifact.local?.path && dev.artifact.local.start,
      'development packs and starts a local artifact',
    );
    assert.equal(dev.env.LOG_LEVEL, 'debug');
    assert.equal(dev.env.SERVICE_NAME, 'hello', 'base env vars are inherited');
    assert.ok(dev.strategy.canary && dev.strategy.canary.steps.length > 1);
    assert.equal(dev.analysis.minSample, 50);
    assert.equal(dev.analysis.maxErrorRate, 0.02, 'base analysis fields are inherited');

    const staging = resolveEnvironment(config, 'staging');
    assert.equal(staging.strategy.canary, undefined, 'blue-green replaces the base canary');
    assert.equal(staging.strategy['blue-green']?.scaleDownDelay, '2m');

    const prod = resolveEnvironment(config, 'production');
    assert.equal(prod.replicas, 4);
    assert.deepEqual([prod.autoscaling?.min, prod.autoscaling?.max], [4, 12]);
    assert.equal(prod.kubernetes.gateway?.parentRef.name, 'public');
    assert.ok(prod.analysis.maxErrorRate < dev.analysis.maxErrorRate, 'production is stricter');
    assert.equal(prod.autoscaling && dev.autoscaling, undefined);
  });

  it('maps each environment to a ReleaseSpec in milliseconds', async () => {
    const config = await loadConfig(EXAMPLE);
    const prod = toReleaseSpec(resolveEnvironment(config, 'production'), {
      environment: 'production',
      release: 7,
      digest: DIGEST,
      ref: `ghcr.io/slipway-dev/hello@${DIGEST}`,
    });
    assert.equal(prod.service, 'hello');
    assert.equal(prod.release, 7);
    assert.deepEqual(prod.artifact, { digest: DIGEST, ref: `ghcr.io/slipway-dev/hello@${DIGEST}` });
    assert.equal(prod.progressDeadlineMs, 600_000);
    assert.equal(prod.drainMs, 30_000);
    assert.deepEqual(prod.strategy, {
      kind: 'canary',
      continuousAnalysis: true,
      steps: [
        { kind: 'weight', weight: 5 },
        { kind: 'analysis', maxDurationMs: 300_000 },
        { kind: 'weight', weight: 25 },
        { kind: 'analysis', maxDurationMs: 300_000 },
        { kind: 'pause' },
        { kind: 'weight', weight: 50 },
        { kind: 'analysis', maxDurationMs: 600_000 },
      ],
    });
    assert.deepEqual(prod.analysis, {
      maxErrorRate: 0.005,
      maxLatencyMs: 250,
      maxSlowRate: 0.01,
      failureBudget: 10,
      minSample: 500,
      alpha: 0.005,
      noData: 'fail',
      checks: [
        {
          kind: 'prometheus',
          name: 'p99-latency-seconds',
          query: prod.analysis.checks?.[0]?.kind === 'prometheus' ? prod.analysis.checks[0].query : '',
          max: 0.3,
          address: 'http://kps-prometheus.monitoring.svc.cluster.local:9090',
          addressFrom: 'default',
        },
      ],
    });
    // The example's query is read per revision through the labels the rendered PodMonitor gives.
    const check = prod.analysis.checks?.[0];
    assert.ok(check?.kind === 'prometheus');
    assert.match(check.query, /^histogram_quantile\(0\.99, .*slipway_dev_release="\{\{revision\}\}"/);

    const staging = toReleaseSpec(resolveEnvironment(config, 'staging'), {
      environment: 'staging',
      release: 1,
      digest: DIGEST,
    });
    assert.deepEqual(staging.strategy, {
      kind: 'blue-green',
      prePromotionAnalysis: true,
      autoPromote: true,
      scaleDownDelayMs: 120_000,
    });
    const dev = toReleaseSpec(resolveEnvironment(config, 'development'), {
      environment: 'development',
      release: 1,
      digest: DIGEST,
    });
    assert.equal(dev.drainMs, 10_000, 'local drains with the proxy drain timeout');
    assert.deepEqual(dev.strategy.kind === 'canary' && dev.strategy.steps[3], {
      kind: 'pause',
      durationMs: 10_000,
    });
  });

  it('maps rolling percentages like Kubernetes (surge up, unavailable down)', async () => {
    const base = resolveEnvironment(await loadConfig(EXAMPLE), 'production');
    const rolling = toReleaseSpec(
      { ...base, replicas: 10, strategy: { rolling: { maxSurge: '25%', maxUnavailable: '25%' } } },
      { environment: 'production', release: 1, digest: DIGEST },
    );
    assert.deepEqual(rolling.strategy, { kind: 'rolling', maxSurge: 3, maxUnavailable: 2 });
    const small = toReleaseSpec(
      { ...base, replicas: 1, strategy: { rolling: { maxSurge: '10%', maxUnavailable: 0 } } },
      { environment: 'production', release: 1, digest: DIGEST },
    );
    assert.deepEqual(small.strategy, { kind: 'rolling', maxSurge: 1, maxUnavailable: 0 });
  });

  it('rejects a malformed digest or release number', async () => {
    const prod = resolveEnvironment(await loadConfig(EXAMPLE), 'production');
    assert.throws(
      () => toReleaseSpec(prod, { environment: 'production', release: 1, digest: 'latest' }),
      /sha256/,
    );
    assert.throws(
      () => toReleaseSpec(prod, { environment: 'production', release: 0, digest: DIGEST }),
      /release/,
    );
  });

  it('hashes the resolved config canonically: key order does not matter, values do', async () => {
    const prod = resolveEnvironment(await loadConfig(EXAMPLE), 'production');
    const reordered = Object.fromEntries(Object.entries(prod).reverse()) as typeof prod;
    assert.match(configHash(prod), /^[0-9a-f]{64}$/);
    assert.equal(configHash(reordered), configHash(prod));
    assert.notEqual(configHash({ ...prod, replicas: 5 }), configHash(prod));
  });

  it('names the known environments for an unknown one', async () => {
    const config = await loadConfig(EXAMPLE);
    assert.throws(
      () => resolveEnvironment(config, 'prod'),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems[0]?.path === 'environments.prod' &&
        /development, staging, production/.test(err.problems[0]?.expected ?? ''),
    );
  });

  it('throws a ConfigError for a missing file', async () => {
    await assert.rejects(loadConfig('/nonexistent/slipway.yaml'), (err: unknown) => {
      return err instanceof ConfigError && /does not exist/.test(err.problems[0]?.message ?? '');
    });
  });
});
