/**
 * `slipway deploy --dry-run` and `--artifact` on the real control plane, run as a user would (a separate CLI
 * process): the first release's objects go through a server-side dry run and are printed; the
 * namespace stays empty (no Deployment, no ledger Secret, no Lease).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { useCluster } from '../../../support/k8s/cluster.ts';
import { CANARY, configText, digest } from './support.ts';

const MAIN = new URL('../../../../src/cli/main.ts', import.meta.url).href;
const found = await useCluster();

function slipway(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ...args],
      { timeout: 60_000, env },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: unknown }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}

/** A test namespace and a slipway.yaml for it in a temporary folder, both removed after the test. */
async function workspace(t: TestContext, strategy: string) {
  const cluster = found.cluster;
  assert.ok(cluster);
  const ns = await cluster.namespace(t);
  const dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'slipway.yaml');
  await writeFile(config, configText({ namespace: ns, strategy }));
  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: cluster.paths.kubeconfig };
  return { cluster, ns, config, env };
}

describe('slipway deploy on the real control plane', { skip: found.skip }, () => {
  test('prints what the first release would apply and changes nothing', async (t) => {
    const { cluster, ns, config, env } = await workspace(t, CANARY);
    const image = `ghcr.io/slipway-dev/hello@${digest('dry-run')}`;
    const r = await slipway(
      ['deploy', '-c', config, '--env', 'production', '--dry-run', '--artifact', image],
      env,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\+\+\+ .*Deployment\/hello-r1/);
    assert.ok(r.stdout.includes(image), 'the diff shows the image pinned by digest');
    assert.match(
      r.stdout,
      new RegExp(`plan for production \\(namespace ${ns}\\): \\d+ to create, [01] to update, 0 to prune`),
    );
    assert.match(r.stdout, /dry run: .* not released, nothing was changed/);

    const json = await slipway(
      ['deploy', '-c', config, '--env', 'production', '--dry-run', '--artifact', image, '--json'],
      env,
    );
    assert.equal(json.code, 0, json.stderr);
    const changes = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { ref: string; action: string });
    assert.ok(changes.some((c) => c.ref.startsWith('Deployment/hello-r1') && c.action === 'create'));

    for (const kind of ['deployments', 'services', 'secrets', 'leases', 'configmaps']) {
      const { stdout } = await cluster.kubectl([
        'get',
        kind,
        '-n',
        ns,
        '-l',
        'app.kubernetes.io/managed-by=slipway',
        '-o',
        'name',
      ]);
      assert.equal(stdout.trim(), '', `no ${kind} were created`);
    }
    const { stdout: labels } = await cluster.kubectl([
      'get',
      'namespace',
      ns,
      '-o',
      'jsonpath={.metadata.labels}',
    ]);
    assert.doesNotMatch(labels, /managed-by/, 'the namespace was not labelled');
    const { stdout: leases } = await cluster.kubectl(['get', 'leases', '-n', ns, '-o', 'name']);
    assert.equal(leases.trim(), '', 'no lease was taken');
  });

  test('deploy --artifact releases that image, and says analysis has no metric source', async (t) => {
    const { cluster, ns, config, env: base } = await workspace(t, 'canary:\n  steps:\n    - setWeight: 50');
    const image = `ghcr.io/slipway-dev/hello@${digest('released')}`;
    const env = { ...base, SLIPWAY_IMAGE_DIGEST: digest('ignored') };
    const r = await slipway(
      ['deploy', '-c', config, '--env', 'production', '--artifact', image, '--json'],
      env,
    );
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const notes = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; message?: string })
      .filter((e) => e.type === 'note')
      .map((e) => e.message);
    assert.ok(
      notes.some((m) =>
        /^analysis has no metric source \(set analysis\.prometheus\.url\): with analysis\.noData: inconclusive/.test(
          m ?? '',
        ),
      ),
      JSON.stringify(notes),
    );
    const { stdout } = await cluster.kubectl([
      'get',
      'deployment',
      'hello-r1',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    assert.equal(stdout, image, 'the flag wins over SLIPWAY_IMAGE_DIGEST');
  });
});
