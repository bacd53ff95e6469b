/**
 * The cloud-agnostic contract (issue 7): modules/aws/platform and modules/gcp/platform expose
 * exactly the same output names, each described, so an environment switches clouds by choosing
 * the platform module and Slipway reads one shape. Every environment root publishes that
 * contract as its `platform` output.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attribute, moduleBlocks, stripComments, topLevelBlocks } from './hcl.ts';

const TF = join(import.meta.dirname, '../../infra/terraform');
const CLOUDS = ['aws', 'gcp'] as const;
const ENVIRONMENTS = ['development', 'staging', 'production'] as const;

function outputs(dir: string) {
  return moduleBlocks(dir).filter((b) => b.type === 'output');
}

function names(dir: string): string[] {
  return outputs(dir)
    .map((b) => b.label)
    .sort();
}

describe('platform contract', () => {
  it('AWS and GCP platforms declare the same output names', () => {
    const aws = names(join(TF, 'modules/aws/platform'));
    const gcp = names(join(TF, 'modules/gcp/platform'));
    const onlyAws = aws.filter((n) => !gcp.includes(n));
    const onlyGcp = gcp.filter((n) => !aws.includes(n));
    assert.deepEqual(
      { onlyAws, onlyGcp },
      { onlyAws: [], onlyGcp: [] },
      'add the missing outputs so that both clouds offer one shape',
    );
  });

  it('the contract holds what Slipway and the deploy workflow need', () => {
    const aws = names(join(TF, 'modules/aws/platform'));
    for (const required of [
      'cluster_name',
      'cluster_endpoint',
      'cluster_ca_certificate',
      'registry_url',
      'ci_deploy_identity',
      'gateway_name',
      'gateway_namespace',
      'prometheus_url',
    ]) {
      assert.ok(aws.includes(required), `platform output ${required} is missing`);
    }
  });

  it('no output name is declared twice in a platform', () => {
    for (const cloud of CLOUDS) {
      const all = names(join(TF, `modules/${cloud}/platform`));
      assert.deepEqual(
        all.filter((n, i) => all.indexOf(n) !== i),
        [],
        `${cloud}: duplicate outputs`,
      );
    }
  });

  it('every platform output has a description', () => {
    for (const cloud of CLOUDS) {
      for (const block of outputs(join(TF, `modules/${cloud}/platform`))) {
        const description = attribute(block.body, 'description');
        assert.ok(
          description && description.length > 10,
          `${block.file}: output ${block.label} needs a description`,
        );
      }
    }
  });

  it('every environment root on both clouds publishes the contract as `platform`', () => {
    for (const env of ENVIRONMENTS) {
      for (const [cloud, dir] of [
        ['aws', join(TF, 'envs', env)],
        ['gcp', join(TF, 'envs', env, 'gcp')],
      ] as const) {
        assert.ok(existsSync(join(dir, 'main.tf')), `${dir}: missing root`);
        const blocks = moduleBlocks(dir);
        const platform = blocks.find((b) => b.type === 'module' && b.label === 'platform');
        assert.equal(
          attribute(platform?.body ?? '', 'source'),
          `"${'../'.repeat(cloud === 'aws' ? 2 : 3)}modules/${cloud}/platform"`,
        );
        assert.deepEqual(
          blocks.filter((b) => b.type === 'output').map((b) => b.label),
          ['platform'],
          `${dir}: exactly one output, platform`,
        );
        const naming = blocks.find((b) => b.type === 'module' && b.label === 'naming');
        assert.equal(attribute(naming?.body ?? '', 'cloud'), `"${cloud}"`, `${dir}: naming cloud`);
        const tfvars = stripComments(readFileSync(join(dir, 'terraform.tfvars'), 'utf8'));
        assert.equal(attribute(tfvars, 'environment'), `"${env}"`, `${dir}/terraform.tfvars: environment`);
      }
    }
  });
});

describe('reading HCL', () => {
  it('finds outputs and ignores commented-out ones', () => {
    const blocks = topLevelBlocks(
      [
        'output "a" {',
        '  value = { nested = "}" }',
        '}',
        '# output "b" {}',
        '/* output "c" {} */',
        'output "d" { value = "x # not a comment" }',
      ].join('\n'),
    );
    assert.deepEqual(
      blocks.map((b) => b.label),
      ['a', 'd'],
    );
  });

  it('rejects unbalanced braces instead of guessing', () => {
    assert.throws(() => topLevelBlocks('output "a" {\n  value = {\n}\n'), /unbalanced braces/);
  });

  it('the platform folders exist where the test looks', () => {
    for (const cloud of CLOUDS) {
      assert.ok(readdirSync(join(TF, `modules/${cloud}/platform`)).includes('outputs.tf'));
    }
  });
});
