/** `slipway render` driven as a user would: formats, the placeholder note, refusals and exit 2 on violations. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../../config/support/run-cli.ts';
import { DIGEST_A, EXAMPLE } from './example.ts';

const dir = mkdtempSync(join(tmpdir(), 'slipway-render-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('yaml: one multi-document stream on stdout, with a note about the placeholder digest', async () => {
  const run = await runCli(['render', '--config', EXAMPLE, '--env', 'production']);
  assert.equal(run.code, 0, run.stderr);
  const kinds = parseAllDocuments(run.stdout).map((d) => d.toJS().kind);
  assert.deepEqual(kinds.slice(0, 4), ['Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret']);
  assert.match(run.stderr, /no --digest given; images are pinned to the placeholder sha256:0{64}/);
  assert.doesNotMatch(run.stderr, /waived/, 'production needs no waiver');
});

test('--digest pins the image and silences the note', async () => {
  const run = await runCli(['render', '--config', EXAMPLE, '--env', 'staging', '--digest', DIGEST_A]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`image: ghcr.io/slipway-dev/hello@${DIGEST_A}`));
  assert.doesNotMatch(run.stderr, /placeholder/);
});

test('kustomize needs --out and writes base + one overlay per kubernetes environment', async () => {
  const without = await runCli(['render', '--config', EXAMPLE, '--env', 'staging', '--format', 'kustomize']);
  assert.equal(without.code, 2);
  assert.match(without.stderr, /give --out <dir>/);
  const out = join(dir, 'kustomize');
  const run = await runCli([
    'render',
    '-c',
    EXAMPLE,
    '-e',
    'staging',
    '-f',
    'kustomize',
    '-o',
    out,
    '--digest',
    DIGEST_A,
  ]);
  assert.equal(run.code, 0, run.stderr);
  for (const f of [
    'base/kustomization.yaml',
    'overlays/staging/kustomization.yaml',
    'overlays/production/kustomization.yaml',
  ]) {
    assert.ok(existsSync(join(out, f)), f);
  }
  assert.ok(!existsSync(join(out, 'overlays/development')), 'development is local: no overlay');
});

test('yaml with --out writes <env>.yaml instead of printing', async () => {
  const out = join(dir, 'yaml');
  const run = await runCli(['render', '-c', EXAMPLE, '-e', 'staging', '-o', out, '--digest', DIGEST_A]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(readFileSync(join(out, 'staging.yaml'), 'utf8'), /^---\napiVersion: v1\nkind: Namespace/);
  assert.match(run.stderr, /wrote 1 file to /);
});

test('argo-rollouts prints a Rollout and says which steps did not map exactly', async () => {
  const run = await runCli([
    'render',
    '-c',
    EXAMPLE,
    '-e',
    'production',
    '-f',
    'argo-rollouts',
    '--digest',
    DIGEST_A,
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(parseAllDocuments(run.stdout).some((d) => d.toJS().kind === 'Rollout'));
  assert.match(run.stderr, /canary step 1 \(analysis\) became a 300s pause/);
});

test('a local environment, an unknown format and a bad digest are refused with exit 2', async () => {
  const local = await runCli(['render', '-c', EXAMPLE, '-e', 'development']);
  assert.equal(local.code, 2);
  assert.match(
    local.stderr,
    /environment development uses target local; only kubernetes environments render/,
  );
  const format = await runCli(['render', '-c', EXAMPLE, '-e', 'staging', '-f', 'helm']);
  assert.equal(format.code, 2);
  assert.match(format.stderr, /--format helm is not one of yaml, kustomize, argo-rollouts/);
  const digest = await runCli(['render', '-c', EXAMPLE, '-e', 'staging', '--digest', 'latest']);
  assert.equal(digest.code, 2);
  assert.match(digest.stderr, /--digest latest is not sha256:<64 hex digits>/);
});

test('policy violations and unknown waivers fail the render with exit 2 and the full list', async () => {
  // Valid config, but the base no longer sets requests/limits (staging inherits that).
  const text = readFileSync(EXAMPLE, 'utf8')
    .replace(/^resources:\n( {2}.*\n)+/m, '')
    .replace(
      '      pdb: { minAvailable: 3 }\n',
      '      pdb: { minAvailable: 3 }\n      waivers:\n        - { rule: topology-spread-zone, reason: a misspelt rule name }\n',
    );
  assert.ok(!/^resources:/m.test(text));
  const file = join(dir, 'slipway.yaml');
  writeFileSync(file, text);
  const staging = await runCli(['render', '-c', file, '-e', 'staging']);
  assert.equal(staging.code, 2);
  assert.match(
    staging.stderr,
    /Deployment\/hello-r1: spec\.template\.spec\.containers\[0\]\.resources\.requests\.cpu: is missing \[resources\]/,
  );
  assert.match(staging.stderr, /resources\.limits\.memory: is missing \[resources\]/);
  assert.match(staging.stderr, /render: staging failed validation/);
  assert.equal(staging.stdout, '', 'nothing is printed when validation fails');
  const production = await runCli(['render', '-c', file, '-e', 'production']);
  assert.equal(production.code, 2);
  assert.match(
    production.stderr,
    /"topology-spread-zone" is not a policy rule \(did you mean topology-spread-zones\?\)/,
  );
});
