/**
 * The kustomize tree factors shared objects into base/ and adds the per-environment namespace and
 * labels back in overlays. With kubectl installed, `kubectl kustomize overlays/<env>` must give
 * exactly the objects `renderEnvironment` gives.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { canonical } from '../../../../src/targets/kubernetes/objects.ts';
import { renderEnvironment, sortObjects } from '../../../../src/targets/kubernetes/render/index.ts';
import { kustomizeTree } from '../../../../src/targets/kubernetes/render/kustomize.ts';
import { CONTEXTS, exampleEnvironments } from './example.ts';

const envs = await exampleEnvironments();
const rendered = ['staging', 'production'].map((environment) => ({
  environment,
  service: 'hello',
  namespace: envs[environment]!.kubernetes.namespace,
  objects: renderEnvironment(envs[environment]!, CONTEXTS[environment]!),
}));
const tree = kustomizeTree(rendered);

test('shared objects land in base/ once; each overlay names the base, its own files and its namespace', () => {
  const base = [...tree.keys()].filter((p) => p.startsWith('base/'));
  assert.ok(base.includes('base/serviceaccount-hello.yaml'), `base: ${base.join(', ')}`);
  assert.ok(!base.some((p) => p.includes('deployment')), 'deployments differ per environment');
  for (const { environment, namespace } of rendered) {
    const k = tree.get(`overlays/${environment}/kustomization.yaml`) ?? '';
    assert.match(k, /- \.\.\/\.\.\/base/);
    assert.match(k, new RegExp(`namespace: ${namespace}`));
    assert.ok(
      !(tree.get('base/serviceaccount-hello.yaml') ?? '').includes(environment),
      'base carries no environment',
    );
  }
});

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

test('kubectl kustomize builds each overlay into exactly the rendered objects', {
  skip: !kubectl && 'kubectl is not installed',
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-kustomize-'));
  try {
    for (const [path, content] of tree) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    for (const { environment, objects } of rendered) {
      const out = execFileSync('kubectl', ['kustomize', join(dir, 'overlays', environment)], {
        encoding: 'utf8',
      });
      const built = sortObjects(parseAllDocuments(out).map((d) => canonical(d.toJS())));
      assert.deepEqual(built, objects, `overlays/${environment}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
