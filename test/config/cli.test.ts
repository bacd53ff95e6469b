import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { build } from './support/build.ts';
import { runCli } from './support/run-cli.ts';

const EXAMPLE = 'examples/hello/slipway.yaml';
const dir = mkdtempSync(join(tmpdir(), 'slipway-config-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('slipway validate', () => {
  it('exits 0 and names the environments for a valid file', async () => {
    const run = await runCli(['validate', '--config', EXAMPLE]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /is valid: development \(local\), staging \(kubernetes\), production \(kubernetes\)/,
    );
    assert.equal(run.stderr, '');
  });

  it('exits 2 and lists every problem as file:line:col: path: message (got; expected) — hint', async () => {
    const bad = file(
      'bad.yaml',
      build({ top: 'replcas: 2\nprogressDeadline: 1.5m' }).replace('target: local', 'target: lokal'),
    );
    const run = await runCli(['validate', '--config', bad]);
    assert.equal(run.code, 2);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 4, run.stderr);
    assert.equal(
      lines[0],
      `${bad}:5:1: replcas: is not a known key (got "replcas"; expected one of artifact, port, portEnv, health, replicas, resources, env, secrets, strategy, analysis, autoscaling, proxy, kubernetes, notifications, progressDeadline, service, environments) — did you mean "replicas"?`,
    );
    assert.match(
      lines[1]!,
      /:6:19: progressDeadline: is not a valid duration \(got "1\.5m"; expected a duration such as/,
    );
    assert.match(
      lines[2]!,
      /:9:13: environments\.dev\.target: is not an allowed value .* — did you mean "local"\?$/,
    );
    assert.equal(lines[3], `slipway: ${bad} is invalid: 3 problems`);
    assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  it('--json prints the problems as data', async () => {
    const bad = file('bad-json.yaml', build({ top: 'replicas: 0' }));
    const run = await runCli(['validate', '--config', bad, '--json']);
    assert.equal(run.code, 2);
    const body = JSON.parse(run.stdout);
    assert.equal(body.valid, false);
    assert.deepEqual(body.problems, [
      { path: 'replicas', message: 'is too small', value: 0, expected: 'a number >= 1', line: 5, column: 11 },
    ]);
  });

  it('--json on a valid file lists environments and targets', async () => {
    const run = await runCli(['validate', '--config', EXAMPLE, '--json']);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout).environments, {
      development: { target: 'local' },
      staging: { target: 'kubernetes' },
      production: { target: 'kubernetes' },
    });
  });

  it('warns (exit 0) about a local secret too short to be redacted, where the value is known, and never shows it', async () => {
    const cfg = file(
      'short-secrets.yaml',
      build({
        dev: [
          'secrets:',
          '  PIN: { source: file, key: PIN }',
          '  OK_TOKEN: { source: file, key: OK_TOKEN }',
          '  SHELL_PIN: { source: env, key: SLIPWAY_TEST_SHELL_PIN }',
          '  UNSET: { source: env, key: SLIPWAY_TEST_UNSET_VAR, optional: true }',
        ].join('\n'),
      }),
    );
    const secretsFile = join(dir, '.slipway', 'secrets.dev.env');
    mkdirSync(join(dir, '.slipway'), { recursive: true });
    writeFileSync(secretsFile, 'PIN=x7z\nOK_TOKEN=long-enough-value\n');
    process.env.SLIPWAY_TEST_SHELL_PIN = 'q9';
    try {
      const run = await runCli(['validate', '--config', cfg]);
      assert.equal(run.code, 0, run.stderr);
      const warnings = run.stderr.trim().split('\n');
      assert.deepEqual(warnings, [
        `warning: ${cfg}: environments.dev.secrets.PIN: its value (key PIN in ${secretsFile}) is 3 characters long, too short to be redacted from instance logs (4 or more are) — use a value of at least 4 characters, or make sure the app never prints it`,
        `warning: ${cfg}: environments.dev.secrets.SHELL_PIN: its value (the variable SLIPWAY_TEST_SHELL_PIN in this shell) is 2 characters long, too short to be redacted from instance logs (4 or more are) — use a value of at least 4 characters, or make sure the app never prints it`,
      ]);
      const shown = run.stderr.replaceAll(dir, '');
      assert.ok(!shown.includes('x7z') && !shown.includes('q9'), 'no value is shown');
      const json = JSON.parse((await runCli(['validate', '--config', cfg, '--json'])).stdout);
      assert.deepEqual(
        json.warnings.map((w: { path: string }) => w.path),
        ['environments.dev.secrets.PIN', 'environments.dev.secrets.SHELL_PIN'],
      );
    } finally {
      delete process.env.SLIPWAY_TEST_SHELL_PIN;
    }
  });

  it('--env checks one environment and rejects an unknown one with a suggestion', async () => {
    const mixed = file('mixed.yaml', build({ prod: 'replicas: 0' }));
    assert.equal((await runCli(['validate', '--config', mixed, '--env', 'dev'])).code, 0);
    const run = await runCli(['validate', '--config', mixed, '--env', 'dve']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /environments\.dve: is not defined .* did you mean "dev"\?/);
  });

  it('a missing file is a clear exit 2', async () => {
    const run = await runCli(['validate', '--config', join(dir, 'nope.yaml')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /nope\.yaml does not exist — pass --config FILE/);
    assert.match(run.stderr, /slipway: .*nope\.yaml could not be read\n$/);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const broken = file('broken.yaml', 'service: hello\nport: 8080: 9090\n');
    const run = await runCli(['validate', '--config', broken]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /broken\.yaml:2:7: YAML syntax error: Nested mappings/);
  });

  it('defaults --config to ./slipway.yaml', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const run = await runCli(['validate']);
      assert.equal(run.code, 2);
      assert.match(
        run.stderr,
        new RegExp(`${join(dir, 'slipway.yaml').replaceAll('/', '\\/')} does not exist`),
      );
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('slipway config', () => {
  it('prints the resolved environment as YAML with its config hash', async () => {
    const run = await runCli(['config', '--config', EXAMPLE, '--env', 'staging']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^# environment staging resolved from/);
    assert.match(run.stdout, /# configHash: [0-9a-f]{64}/);
    const resolved = parse(run.stdout);
    assert.equal(resolved.target, 'kubernetes');
    assert.equal(resolved.kubernetes.namespace, 'hello-staging');
    assert.deepEqual(Object.keys(resolved.strategy), ['blue-green']);
    assert.deepEqual(resolved.secrets.ERROR_REPORTING_DSN, {
      source: 'kubernetes-secret',
      key: 'dsn',
      name: 'hello-observability',
      optional: true,
    });
  });

  it('--json prints the same config as JSON', async () => {
    const run = await runCli(['config', '--config', EXAMPLE, '--env', 'production', '--json']);
    assert.equal(run.code, 0);
    const body = JSON.parse(run.stdout);
    assert.equal(body.environment, 'production');
    assert.equal(body.config.autoscaling.max, 12);
  });

  it('requires --env', async () => {
    const run = await runCli(['config', '--config', EXAMPLE]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--env/);
  });

  it('exits 2 for an unknown environment, naming the known ones', async () => {
    const run = await runCli(['config', '--config', EXAMPLE, '--env', 'qa']);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /environments\.qa: is not defined \(got "qa"; expected one of development, staging, production\)/,
    );
  });

  it('exits 2 when the file is invalid', async () => {
    const run = await runCli([
      'config',
      '--config',
      file('invalid.yaml', build({ top: 'replicas: -1' })),
      '--env',
      'dev',
    ]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /replicas: is too small/);
  });
});
