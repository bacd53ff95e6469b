import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkDockerfile } from '../../scripts/lint/dockerfile-policy.ts';
import { expressJs, fastifyTs } from '../../scripts/lint/init-samples.ts';
import { checkWorkflowText } from '../../scripts/lint/workflow-policy.ts';
import { validateConfigFile } from '../../src/config/index.ts';
import { NODE_IMAGE } from '../../src/init/dockerfile.ts';
import { applyPlan, planInit } from '../../src/init/plan.ts';
import { substitute } from '../../src/init/workflows.ts';

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
