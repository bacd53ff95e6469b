import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkDockerfile } from '../../scripts/lint/dockerfile-policy.ts';
import { expressJs, fastifyTs } from '../../scripts/lint/init-samples.ts';
import { checkWorkflowText } from '../../scripts/lint/workflow-policy.ts';
import { loadConfig, resolveEnvironment, validateConfigFile } from '../../src/config/index.ts';
import { toReleaseSpec } from '../../src/config/model.ts';
import { NODE_IMAGE } from '../../src/init/dockerfile.ts';
import { applyPlan, planInit } from '../../src/init/plan.ts';
import { substitute } from '../../src/init/workflows.ts';
import { Driver } from '../support/driver.ts';

const scratch = mkdtempSync(join(tmpdir(), 'slipway-init-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

describe('slipway init on an Express JavaScript app (npm, no CI)', () => {
  const dir = expressJs(join(scratch, 'express'));
  const plan = planInit(dir);
  const result = applyPlan(dir, plan, { force: false, dryRun: false });

  it('detects npm, the entry, the port, the health route and the GitHub repository', () => {
    assert.deepEqual(
      {
        pm: plan.facts.packageManager,
        entry: plan.facts.entry,
        port: plan.facts.port,
        health: plan.facts.healthPath,
      },
      { pm: 'npm', entry: 'server.js', port: 8081, health: '/health' },
    );
    assert.match(read(dir, 'slipway.yaml'), /image: ghcr\.io\/acme\/orders-api\/orders-api /);
  });

  it('writes every file, including a ci.yml, since the project has no CI', () => {
    assert.deepEqual(result.kept, []);
    assert.ok(result.written.includes('.github/workflows/ci.yml'));
    assert.ok(result.written.includes('Dockerfile'));
    assert.ok(result.written.includes('.github/actions/setup-slipway/action.yml'));
  });

  it('writes a slipway.yaml that Slipway accepts', async () => {
    const validation = await validateConfigFile(join(dir, 'slipway.yaml'));
    assert.equal(validation.ok, true, JSON.stringify(validation.ok ? [] : validation.problems));
  });

  it('development is a short canary that promotes a second release without traffic; staging keeps the strict one', async () => {
    const loaded = await loadConfig(join(dir, 'slipway.yaml'));
    const spec = (env: string) =>
      toReleaseSpec(resolveEnvironment(loaded, env), {
        environment: env,
        release: 2,
        digest: `sha256:${'ab'.repeat(32)}`,
      });
    const dev = spec('development');
    assert.equal(dev.analysis.noData, 'pass');
    const silent = new Driver(dev, 1);
    silent.rps = 0;
    silent.previewRps = 0;
    const start = silent.now;
    const done = silent.runUntil((d) => d.phase === 'promoted' || d.phase === 'rolled-back');
    assert.equal(done.phase, 'promoted', done.reason);
    const took = silent.now - start;
    assert.ok(took >= 15_000 && took <= 20_000, `promoted after ${took} ms (15 s analysis step)`);

    const staging = spec('staging');
    assert.equal(staging.analysis.noData, 'inconclusive');
    assert.equal(staging.strategy.kind === 'canary' && staging.strategy.steps.length, 4);
  });

  it('--proxy-port sets the development port', () => {
    const yaml = planInit(dir, { proxyPort: 18_123 }).files.find((f) => f.path === 'slipway.yaml');
    assert.match(yaml?.content ?? '', /^ {6}port: 18123 /m);
  });

  it('writes a Dockerfile and workflows that pass the repository policies', () => {
    assert.deepEqual(checkDockerfile(read(dir, 'Dockerfile')), []);
    assert.match(read(dir, 'Dockerfile'), /npm ci --omit=dev/);
    assert.match(read(dir, 'Dockerfile'), /CMD \["node", "server\.js"\]/);
    for (const file of plan.files.filter((f) => f.path.startsWith('.github/'))) {
      assert.deepEqual(checkWorkflowText(file.path, file.content), [], file.path);
      assert.doesNotMatch(file.content, /examples\/hello|\/hello\b/, `${file.path} still names the example`);
    }
  });

  it('is idempotent: a second run finds every file unchanged', () => {
    const again = planInit(dir);
    assert.deepEqual(
      again.files.filter((f) => f.status !== 'unchanged').map((f) => f.path),
      [],
    );
  });

  it('shows a diff and keeps an edited file unless --force', () => {
    writeFileSync(join(dir, 'Dockerfile'), `${read(dir, 'Dockerfile')}# local edit\n`);
    const edited = planInit(dir);
    const dockerfile = edited.files.find((f) => f.path === 'Dockerfile');
    assert.equal(dockerfile?.status, 'differs');
    assert.match(dockerfile?.diff ?? '', /^-# local edit$/m);
    assert.deepEqual(applyPlan(dir, edited, { force: false, dryRun: false }).kept, ['Dockerfile']);
    assert.match(read(dir, 'Dockerfile'), /# local edit/);
    applyPlan(dir, edited, { force: true, dryRun: false });
    assert.doesNotMatch(read(dir, 'Dockerfile'), /# local edit/);
  });
});

describe('slipway init on a Fastify TypeScript app (pnpm, build step, its own CI and Dockerfile)', () => {
  const dir = fastifyTs(join(scratch, 'fastify'));
  const plan = planInit(dir);
  const result = applyPlan(dir, plan, { force: false, dryRun: false });

  it('detects pnpm, the built entry, the port and the health route', () => {
    const f = plan.facts;
    assert.deepEqual(
      {
        pm: f.packageManager,
        entry: f.entry,
        port: f.port,
        health: f.healthPath,
        build: f.scripts.build,
        name: f.name,
      },
      { pm: 'pnpm', entry: 'dist/main.js', port: 4000, health: '/healthz', build: true, name: 'catalog' },
    );
  });

  it('keeps the existing Dockerfile and CI: a diff for the Dockerfile, no ci.yml', () => {
    assert.deepEqual(result.kept, ['Dockerfile']);
    assert.match(read(dir, 'Dockerfile'), /^FROM node:22$/m);
    assert.equal(plan.files.find((f) => f.path === 'Dockerfile')?.diff?.includes('-CMD npm start'), true);
    assert.equal(
      plan.files.some((f) => f.path === '.github/workflows/ci.yml'),
      false,
    );
    assert.equal(read(dir, '.github/workflows/test.yml').includes('echo mine'), true);
  });

  it('plans a build-stage Dockerfile with pnpm that passes the policy', () => {
    const dockerfile = plan.files.find((f) => f.path === 'Dockerfile')?.content ?? '';
    assert.deepEqual(checkDockerfile(dockerfile), []);
    assert.match(dockerfile, /pnpm install --frozen-lockfile\n/);
    assert.match(dockerfile, /pnpm run build/);
    assert.match(dockerfile, /COPY --from=build \/app \.\//);
    assert.match(dockerfile, /CMD \["node", "dist\/main\.js"\]/);
    assert.match(
      read(dir, '.github/actions/setup-slipway/action.yml'),
      /corepack enable && pnpm install --frozen-lockfile/,
    );
  });

  it('writes a slipway.yaml that Slipway accepts', async () => {
    const validation = await validateConfigFile(join(dir, 'slipway.yaml'));
    assert.equal(validation.ok, true, JSON.stringify(validation.ok ? [] : validation.problems));
  });
});

describe('slipway init templates', () => {
  it('uses the same pinned base image as examples/hello/Dockerfile', () => {
    const hello = readFileSync(join(import.meta.dirname, '../../examples/hello/Dockerfile'), 'utf8');
    const froms = [...hello.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(new Set(froms), new Set([NODE_IMAGE]));
  });

  it('fails loudly when a template no longer contains what it replaces', () => {
    assert.throws(() => substitute('workflows/x.yml', 'abc', [['zzz', 'y']]), /no longer contains "zzz"/);
  });

  it('refuses a directory without package.json with a message saying what to do', () => {
    assert.throws(
      () => planInit(scratch),
      /no package\.json in .*: run slipway init at the root of a Node project/,
    );
  });
});

describe('slipway init: what it tells about the project', () => {
  const write = (dir: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    return dir;
  };
  const project = (name: string, files: Record<string, string>) =>
    write(mkdtempSync(join(scratch, `${name}-`)), {
      'package.json': JSON.stringify({ name, main: 'app.js', dependencies: { express: '^5.0.0' } }),
      ...files,
    });

  it('reports a hard-coded port with file:line, and writes replicas: 1 with the fix', async () => {
    const dir = project('fixed-port', {
      'yarn.lock': '# yarn lockfile v1\n',
      'app.js':
        "const app = require('express')();\napp.get('/', (q, r) => r.send('hi'));\napp.listen(3000);\n",
    });
    const plan = planInit(dir);
    assert.deepEqual(plan.facts.hardcodedPort, { file: 'app.js', line: 3, port: 3000 });
    assert.match(
      plan.facts.notes.join('\n'),
      /app\.js:3 listens on 3000 whatever PORT says .*\.listen\(process\.env\.PORT \|\| 3000\)/,
    );
    const yaml = plan.files.find((f) => f.path === 'slipway.yaml')?.content ?? '';
    assert.match(
      yaml,
      /# app\.js:3 listens on 3000 .*\n.*\n# {3}\.listen\(process\.env\.PORT \|\| 3000\)\nreplicas: 1\n/,
    );
    applyPlan(dir, plan, { force: false, dryRun: false });
    const validation = await validateConfigFile(join(dir, 'slipway.yaml'));
    assert.equal(validation.ok, true, JSON.stringify(validation.ok ? [] : validation.problems));
  });

  it('an app reading PORT is not reported, and gets 2 replicas', () => {
    const dir = project('env-port', { 'app.js': 'require("express")().listen(process.env.PORT || 3000);\n' });
    const plan = planInit(dir);
    assert.equal(plan.facts.hardcodedPort, undefined);
    assert.match(plan.files.find((f) => f.path === 'slipway.yaml')?.content ?? '', /^replicas: 2$/m);
  });

  it('calls a home-page health check weak and shows the /healthz route to add', () => {
    const dir = project('no-health', { 'app.js': 'require("express")().listen(process.env.PORT);\n' });
    const plan = planInit(dir);
    assert.match(
      plan.facts.notes.join('\n'),
      /probes use \/ — your home page\. That is a weak check.*app\.get\('\/healthz', \(req, res\) => res\.send\('ok'\)\)/,
    );
    assert.match(
      plan.files.find((f) => f.path === 'slipway.yaml')?.content ?? '',
      /# The probes check \/ .*weak check/,
    );
  });

  it('Yarn 1 gets Yarn 1 commands in the Dockerfile and CI, and no install in the local build', () => {
    const dir = project('classic', {
      'yarn.lock': '# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n',
      'app.js': 'require("express")().listen(process.env.PORT);\n',
    });
    const plan = planInit(dir);
    assert.equal(plan.facts.manager.flavour, 'yarn-classic');
    const file = (p: string) => plan.files.find((f) => f.path === p)?.content ?? '';
    assert.match(
      file('Dockerfile'),
      /corepack enable && yarn install --frozen-lockfile --production --non-interactive/,
    );
    assert.doesNotMatch(file('Dockerfile'), /workspaces focus/);
    assert.match(file('.github/workflows/ci.yml'), /yarn install --frozen-lockfile --non-interactive/);
    assert.doesNotMatch(file('slipway.yaml'), /build:/);
  });

  it('adds .slipway/ to .gitignore and .dockerignore once: created, appended, then unchanged', () => {
    const dir = project('ignores', {
      'app.js': 'require("express")().listen(process.env.PORT);\n',
      '.gitignore': 'node_modules',
      '.dockerignore': 'node_modules\n',
    });
    const plan = planInit(dir);
    const status = (p: string) => plan.files.find((f) => f.path === p)?.status;
    assert.equal(status('.gitignore'), 'append');
    assert.equal(status('.dockerignore'), 'append');
    const result = applyPlan(dir, plan, { force: false, dryRun: false });
    assert.ok(result.written.includes('.gitignore') && result.written.includes('.dockerignore'));
    assert.equal(read(dir, '.gitignore'), 'node_modules\n.slipway/\n');
    assert.equal(read(dir, '.dockerignore'), 'node_modules\n.slipway/\n');
    const again = planInit(dir);
    assert.equal(again.files.find((f) => f.path === '.gitignore')?.status, 'unchanged');
    applyPlan(dir, again, { force: false, dryRun: false });
    assert.equal(read(dir, '.gitignore'), 'node_modules\n.slipway/\n', 'a second run adds nothing');

    const fresh = project('fresh', { 'app.js': 'require("express")().listen(process.env.PORT);\n' });
    applyPlan(fresh, planInit(fresh), { force: false, dryRun: false });
    assert.match(read(fresh, '.gitignore'), /^\.slipway\/$/m);
    assert.match(read(fresh, '.dockerignore'), /^\.slipway$/m);
  });
});
