// Ship what you test: the packed package holds every non-code file the CLI reads at run time, and
// its compiled CLI (dist/, not src/) validates and renders from outside this checkout.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runtimeFiles } from '../../scripts/runtime-files.ts';
import { type Packed, packedTarball, ROOT } from './support/pack.ts';

let packed: Packed;
let work: string;
let pkg: string;

before(async () => {
  packed = await packedTarball();
  work = mkdtempSync(join(tmpdir(), 'slipway-dist-'));
  execFileSync('tar', ['-xzf', packed.tarball, '-C', work]);
  pkg = join(work, 'package');
  // The package's dependencies, as an install would provide them (test/package/apps.test.ts installs for real).
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  cpSync(join(ROOT, 'examples', 'hello', 'slipway.yaml'), join(work, 'slipway.yaml'));
});

test.after(() => work && rmSync(work, { recursive: true, force: true }));

test('the tarball holds the compiled CLI, its runtime files, the schema and the init templates, not the sources', () => {
  const has = new Set(packed.entries);
  const expected = [
    'bin/slipway.js',
    'dist/cli/main.js',
    'dist/targets/local/daemon/main.js',
    'dist/dashboard/assets/app.js',
    'dist/dashboard/assets/app.css',
    'schema/slipway.schema.json',
    '.github/workflows/ci.yml',
    '.github/actions/setup-slipway/action.yml',
    ...runtimeFiles().map((f) => `dist/${f}`),
  ];
  assert.ok(runtimeFiles().includes('targets/kubernetes/validate/schemas/k8s-1.36.json'));
  for (const file of expected) assert.ok(has.has(file), `${file} is missing from the package`);
  const sources = packed.entries.filter(
    (e) => /^(src|test|examples|scripts)\//.test(e) || /(?<!\.d)\.ts$/.test(e),
  );
  assert.deepEqual(sources, [], 'sources and tests stay out of the package');
});

function slipway(...args: string[]) {
  const r = spawnSync(process.execPath, [join(pkg, 'bin', 'slipway.js'), ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the built CLI validates and prints the config from outside the checkout', () => {
  const v = slipway('validate');
  assert.equal(v.code, 0, v.err);
  const c = slipway('config', '--env', 'production', '--json');
  assert.equal(c.code, 0, c.err);
  assert.equal(JSON.parse(c.out).config.service, 'hello');
});

test('the built CLI renders all three formats, validated against the shipped Kubernetes schema', () => {
  const yaml = slipway('render', '--env', 'production');
  assert.equal(yaml.code, 0, yaml.err);
  assert.match(yaml.out, /^kind: Deployment$/m);
  const rollouts = slipway('render', '--env', 'production', '--format', 'argo-rollouts');
  assert.equal(rollouts.code, 0, rollouts.err);
  assert.match(rollouts.out, /^kind: Rollout$/m);
  const out = join(work, 'kustomize');
  const k = slipway('render', '--env', 'production', '--format', 'kustomize', '--out', out);
  assert.equal(k.code, 0, k.err);
  assert.ok(existsSync(join(out, 'base', 'kustomization.yaml')), readdirSync(out).join(', '));
});

test("the built dashboard server finds its page's files in dist/", async () => {
  const assets = await import(pathToFileURL(join(pkg, 'dist', 'dashboard', 'server', 'assets.js')).href);
  const files = await assets.loadAssets();
  assert.ok(files['app.js'].length > 1000);
  assert.ok(files['app.css'].length > 100);
});
