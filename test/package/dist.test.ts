// Ship what you test: the packed package holds every non-code file the CLI reads at run time, and
// its compiled CLI (dist/, not src/) validates and renders from outside this checkout.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
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
    'LICENSE',
    'dist/cli/main.js',
    'dist/entries/daemon/main.js',
    'dist/targets/local/supervisor/log-pump.js',
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

test('the library entry (exports) loads from dist/ and its declarations type-check a consumer', async () => {
  const consumer = join(work, 'consumer');
  mkdirSync(join(consumer, 'node_modules'), { recursive: true });
  symlinkSync(pkg, join(consumer, 'node_modules', 'slipway'));
  writeFileSync(join(consumer, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(
    join(consumer, 'use.ts'),
    [
      "import { type OperationOutcome, PLACEHOLDER_DIGEST, renderOutput, validateConfigFile } from 'slipway';",
      "const result = await validateConfigFile('../slipway.yaml');",
      'if (!result.ok) throw new Error(result.problems.map((p) => p.path).join());',
      "const out = renderOutput(result.config.environments, 'production', 'yaml', PLACEHOLDER_DIGEST);",
      'const ok: boolean = out.reports.every((r) => r.report.ok);',
      "const kind: OperationOutcome['kind'] | undefined = undefined;",
      'export { kind, ok };',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2024',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', consumer],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
  // Resolved through package.json `exports`, as `import 'slipway'` in the consumer would.
  const entry = createRequire(join(consumer, 'use.js')).resolve('slipway');
  assert.equal(entry, join(pkg, 'dist', 'index.js'));
  const lib = await import(pathToFileURL(entry).href);
  const result = await lib.validateConfigFile(join(work, 'slipway.yaml'));
  assert.equal(result.ok, true);
  const out = lib.renderOutput(result.config.environments, 'production', 'yaml', lib.PLACEHOLDER_DIGEST);
  assert.ok(out.reports.every((r: { report: { ok: boolean } }) => r.report.ok));
  for (const name of ['deploy', 'rollback', 'resume', 'sendCommand', 'openTarget', 'loadConfig']) {
    assert.equal(typeof lib[name], 'function', name);
  }
});
