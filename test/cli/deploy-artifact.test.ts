/**
 * `slipway deploy --artifact`, and API-server failures as user errors: run as a user would (a
 * separate CLI process) against the example config, with a kubeconfig pointing at a closed port on
 * 127.0.0.1 — so the kubernetes cases get as far as the first API call and no further.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseArtifactFlag } from '../../src/cli/commands/deploy.ts';
import { CliError } from '../../src/cli/main.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const CONFIG = new URL('../../examples/hello/slipway.yaml', import.meta.url).pathname;
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const IMAGE = 'ghcr.io/slipway-dev/hello';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir = '';
let env: NodeJS.ProcessEnv = {};

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function slipway(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, ...args],
      { timeout: 60_000, env: { ...env, ...extra } },
      (err, stdout, stderr) => {
        const code = err ? Number((err as { code?: unknown }).code ?? -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-artifact-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{ name: closed, cluster: { server: "https://127.0.0.1:${await closedPort()}" } }]
users: [{ name: u, user: { token: not-a-real-token } }]
contexts: [{ name: closed, context: { cluster: closed, user: u } }]
current-context: closed
`,
  );
  env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
});
after(() => rm(dir, { recursive: true, force: true }));

describe('deploy --artifact', () => {
  test('parses repository@digest and a bare digest', () => {
    assert.deepEqual(parseArtifactFlag(`${IMAGE}@${DIGEST}`), { repository: IMAGE, digest: DIGEST });
    assert.deepEqual(parseArtifactFlag(`localhost:5000/a/b@${DIGEST}`), {
      repository: 'localhost:5000/a/b',
      digest: DIGEST,
    });
    assert.deepEqual(parseArtifactFlag(DIGEST), { digest: DIGEST });
    for (const bad of [
      `${IMAGE}:v1`,
      `${IMAGE}@sha256:abc`,
      `${IMAGE}@${DIGEST.toUpperCase()}`,
      '',
      `@${DIGEST}`,
    ]) {
      assert.throws(() => parseArtifactFlag(bad), CliError, bad);
    }
  });

  test('a malformed value exits 2 naming the flag, the value and the expected form', async () => {
    const r = await slipway(['deploy', '-c', CONFIG, '--env', 'staging', '--artifact', `${IMAGE}:latest`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--artifact must be an image pinned by digest/);
    assert.match(r.stderr, /"ghcr\.io\/slipway-dev\/hello:latest"/);
    assert.match(r.stderr, /<repository>@sha256:<64 lowercase hex digits>/);
  });

  test('another repository than artifact.image exits 2 before the cluster is contacted', async () => {
    const r = await slipway([
      'deploy',
      '-c',
      CONFIG,
      '--env',
      'staging',
      '--artifact',
      `ghcr.io/evil/x@${DIGEST}`,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /is not this service's image: .* sets artifact.image to ghcr.io\/slipway-dev\/hello/,
    );
  });

  test('a local environment refuses --artifact and --dry-run before the daemon starts', async () => {
    const cases = [
      {
        flags: ['--artifact', DIGEST],
        says: /--artifact selects an image for kubernetes environments; environment development uses target local/,
      },
      {
        flags: ['--dry-run'],
        says: /--dry-run is for kubernetes environments .*environment development uses target local/,
      },
    ];
    for (const [i, { flags, says }] of cases.entries()) {
      const state = join(dir, `state-${i}`);
      const r = await slipway([
        'deploy',
        '-c',
        CONFIG,
        '--env',
        'development',
        '--state-dir',
        state,
        ...flags,
      ]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, says);
      assert.equal(existsSync(state), false, 'nothing was started or written');
    }
  });

  test('the flag wins over SLIPWAY_IMAGE_DIGEST; an unreachable API server is exit 4, one line', async () => {
    const r = await slipway(
      ['deploy', '-c', CONFIG, '--env', 'staging', '--artifact', `${IMAGE}@${DIGEST}`],
      {
        SLIPWAY_IMAGE_DIGEST: 'not-a-digest',
      },
    );
    assert.equal(r.code, 4, r.stderr);
    assert.match(
      r.stderr,
      /^slipway: cannot reach the Kubernetes API server: .*ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line, no stack trace:\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  });

  test('a missing or malformed kubeconfig is exit 2 naming the file, not a crash', async () => {
    const malformed = join(dir, 'malformed-kubeconfig');
    await writeFile(malformed, 'clusters: [\n');
    for (const file of [join(dir, 'no-such-kubeconfig'), malformed]) {
      const r = await slipway(
        ['deploy', '-c', CONFIG, '--env', 'staging', '--artifact', `${IMAGE}@${DIGEST}`],
        {
          KUBECONFIG: file,
        },
      );
      assert.equal(r.code, 2, r.stderr);
      assert.ok(
        r.stderr.startsWith(`slipway: cannot read the kubeconfig ${file} (from KUBECONFIG): `),
        r.stderr,
      );
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });

  test('without the flag a malformed SLIPWAY_IMAGE_DIGEST is exit 2 mentioning both ways', async () => {
    const r = await slipway(['deploy', '-c', CONFIG, '--env', 'staging'], { SLIPWAY_IMAGE_DIGEST: 'latest' });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--artifact <repository>@sha256:.*SLIPWAY_IMAGE_DIGEST.*got "latest"/);
  });
});

describe('promote flags', () => {
  test('--dry-run goes with --from/--to and --full with the release in progress, else exit 2', async () => {
    const dry = await slipway(['promote', '-c', CONFIG, '--env', 'production', '--dry-run']);
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, /--dry-run applies to --from\/--to/);
    const full = await slipway([
      'promote',
      '-c',
      CONFIG,
      '--from',
      'staging',
      '--to',
      'production',
      '--full',
    ]);
    assert.equal(full.code, 2, full.stderr);
    assert.match(full.stderr, /--full applies to the release in progress/);
  });
});
