import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { checkWorkflowText } from '../../scripts/lint/workflow-policy.ts';

const GITHUB = join(import.meta.dirname, '../../.github');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const read = (path: string) => readFileSync(path, 'utf8');
const workflow = (name: string) => parse(read(join(GITHUB, 'workflows', name)));

describe('the repository workflows', () => {
  it('has the pipelines the CI/CD design names', () => {
    const names = readdirSync(join(GITHUB, 'workflows')).sort();
    for (const required of [
      'cd.yml',
      'ci.yml',
      'deploy.yml',
      'e2e.yml',
      'image.yml',
      'rollback.yml',
      'terraform.yml',
    ]) {
      assert.ok(names.includes(required), `missing .github/workflows/${required}`);
    }
  });

  it('pins every action to a SHA with a version comment, inherits no secrets, grants only read at the top, checks out without credentials and keeps expressions out of run:', () => {
    const files = yamlFiles(GITHUB);
    assert.ok(
      files.length >= 9,
      `expected the workflows, local actions and dependabot.yml, found ${files.length}`,
    );
    const violations = files.flatMap((f) => checkWorkflowText(f, read(f)));
    assert.deepEqual(violations, []);
  });

  it('deploy.yml is reusable with environment and digest inputs, and never cancels a deploy in progress', () => {
    const deploy = workflow('deploy.yml');
    const inputs = deploy.on.workflow_call.inputs;
    assert.equal(inputs.environment.required, true);
    assert.equal(inputs.digest.required, true);
    assert.deepEqual(deploy.concurrency, {
      group: `deploy-\${{ inputs.environment }}`,
      'cancel-in-progress': false,
    });
    const steps: { uses?: string; run?: string }[] = deploy.jobs.deploy.steps;
    assert.ok(steps.some((s) => s.uses?.startsWith('sigstore/cosign-installer@')));
    assert.ok(steps.some((s) => s.run?.includes('cosign verify')));
    assert.ok(steps.some((s) => s.run?.includes('slipway deploy --env "$ENVIRONMENT"')));
    assert.equal(deploy.jobs.deploy.permissions['id-token'], 'write');
  });

  it('cd.yml deploys staging from main and production from a tag with the digest staging ran', () => {
    const cd = workflow('cd.yml');
    assert.equal(cd.jobs.staging.uses, './.github/workflows/deploy.yml');
    assert.equal(cd.jobs.staging.with.digest, `\${{ needs.image.outputs.digest }}`);
    assert.equal(cd.jobs.production.with.environment, 'production');
    assert.equal(cd.jobs.production.with.digest, `\${{ needs.staged-digest.outputs.digest }}`);
    assert.equal(cd.jobs['staged-digest'].if, "github.ref_type == 'tag'");
  });

  it('rollback.yml shares the deploy concurrency group of its environment', () => {
    const rollback = workflow('rollback.yml');
    assert.deepEqual(rollback.concurrency, {
      group: `deploy-\${{ inputs.environment }}`,
      'cancel-in-progress': false,
    });
  });

  it('Dependabot updates actions, npm and the Docker base image', () => {
    const dependabot = parse(read(join(GITHUB, 'dependabot.yml')));
    const ecosystems = dependabot.updates
      .map((u: { 'package-ecosystem': string }) => u['package-ecosystem'])
      .sort();
    assert.deepEqual(ecosystems, ['docker', 'github-actions', 'npm']);
  });
});

describe('checkWorkflowText', () => {
  const sha = 'de0fac2e4500dabe0009e67214ff5f5447ce83dd';
  const wf = (body: string, permissions = 'permissions: {}') =>
    `name: t\non: push\n${permissions}\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n${body}`;
  const rules = (text: string) => checkWorkflowText('t.yml', text).map((v) => `${v.rule}@${v.line}`);

  it('accepts a SHA pin with a version comment, local actions and digest-pinned docker images', () => {
    const text = wf(
      `      - uses: actions/checkout@${sha} # v6.0.2\n        with:\n          persist-credentials: false\n` +
        '      - uses: ./.github/actions/local\n' +
        `      - uses: docker://alpine:3.22@sha256:${'a'.repeat(64)}\n`,
    );
    assert.deepEqual(rules(text), []);
  });

  it('flags tags, short SHAs, missing version comments and unpinned docker images, with their lines', () => {
    const text = wf(
      '      - uses: foo/bar@v1\n' +
        `      - uses: foo/bar@${sha.slice(0, 7)} # v1\n` +
        `      - uses: foo/bar/sub@${sha}\n` +
        '      - uses: docker://alpine:3.22\n',
    );
    assert.deepEqual(rules(text), [
      'unpinned-uses@8',
      'unpinned-uses@9',
      'missing-version-comment@10',
      'unpinned-uses@11',
    ]);
  });

  it('flags secrets: inherit, write permissions at the top, a missing permissions block and checkout with credentials', () => {
    const inherit =
      'name: t\non: push\npermissions: {}\njobs:\n  a:\n    uses: ./.github/workflows/x.yml\n    secrets: inherit\n';
    assert.deepEqual(rules(inherit), ['secrets-inherit@7']);
    assert.deepEqual(rules(wf('      - run: "true"\n', 'permissions:\n  contents: write')), [
      'permissions@4',
    ]);
    assert.deepEqual(rules(wf('      - run: "true"\n', 'permissions: write-all')), ['permissions@3']);
    assert.deepEqual(rules(wf('      - run: "true"\n', '')), ['permissions@1']);
    assert.deepEqual(rules(wf(`      - uses: actions/checkout@${sha} # v6.0.2\n`)), [
      'persist-credentials@8',
    ]);
  });

  it(`flags \${{ }} expressions inside run: scripts`, () => {
    const text = wf(`      - run: echo "\${{ github.event.pull_request.title }}"\n`);
    assert.deepEqual(rules(text), ['run-expression@8']);
  });

  it('reports YAML syntax errors instead of passing', () => {
    assert.equal(checkWorkflowText('t.yml', 'jobs: [\n')[0]?.rule, 'yaml');
  });
});
