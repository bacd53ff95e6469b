/**
 * The example app end to end on the local target: its configured build bundles it, the bundle is
 * packed once, and two local environments run the same digest from the same store folder.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig, resolveEnvironment } from '../../../src/config/load.ts';
import { buildArtifact } from '../../../src/targets/local/artifacts/index.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { openLocalTarget } from '../../../src/targets/local/target.ts';
import { get, stopEverything } from './daemon-helpers.ts';
import { freeProxyPort, tempDir, until } from './helpers.ts';

const HELLO = fileURLToPath(new URL('../../../examples/hello/slipway.yaml', import.meta.url));

test('examples/hello: built by its bundle script, packed once, served in two local environments', async (t) => {
  const dir = await tempDir(t, 'slipway-local-', (d) => stopEverything(new StatePaths(join(d, '.slipway'))));
  const paths = new StatePaths(join(dir, '.slipway'));
  const resolved = resolveEnvironment(await loadConfig(HELLO), 'development');
  const local = resolved.artifact.local!;
  const first = await buildArtifact({ serviceDir: dirname(HELLO), artifact: local, paths });
  const again = await buildArtifact({ serviceDir: dirname(HELLO), artifact: local, paths });
  assert.equal(again.digest, first.digest, 'the bundle is reproducible, so a rebuild gives the same digest');
  assert.equal(again.created, false);

  for (const environment of ['development', 'preview']) {
    const port = await freeProxyPort();
    const config = {
      ...resolved,
      replicas: 1,
      env: { ...resolved.env, APP_VERSION: environment },
      proxy: { ...resolved.proxy, port },
    };
    const target = await openLocalTarget({
      stateDir: paths.root,
      environment,
      config,
      serviceDir: dirname(HELLO),
    });
    const record = {
      release: 1,
      environment,
      service: 'hello',
      digest: first.digest,
      configHash: 'x',
      config,
      strategy: 'canary',
      startedAt: Date.now(),
      reasons: [],
    };
    await target.ledger().begin(record);
    const spec = {
      service: 'hello',
      environment,
      release: 1,
      artifact: { digest: first.digest },
      configHash: 'x',
      replicas: 1,
      strategy: { kind: 'rolling' as const, maxSurge: 1, maxUnavailable: 0 },
      analysis: {
        maxErrorRate: 0.01,
        failureBudget: 20,
        minSample: 10,
        alpha: 0.01,
        noData: 'inconclusive' as const,
      },
      progressDeadlineMs: 60_000,
      drainMs: 1000,
    };
    await target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec);
    await until(
      `hello ready in ${environment}`,
      async () => {
        const rev = (await target.observe()).revisions[0];
        if (rev?.failed) throw new Error(rev.failed);
        return rev?.ready === 1 ? true : undefined;
      },
      30_000,
    );
    await target.apply([{ kind: 'set-traffic', weights: { '1': 100 } }], spec);
    const res = await get(port);
    assert.equal(res.status, 200);
    assert.equal(res.body.service, 'hello');
    assert.equal(res.body.version, environment);
  }
  assert.deepEqual(await readdir(paths.artifacts), [first.digest.replace(':', '-')]);
});
