import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { expressJs, fastifyTs } from '../../scripts/lint/init-samples.ts';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const scratch = mkdtempSync(join(tmpdir(), 'slipway-init-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the CLI in a child process, as a user would; resolves with the exit code and output. */
async function slipway(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(${JSON.stringify(args)});`;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      script,
    ]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('slipway init (CLI)', () => {
  it('--dry-run reports what it would write and writes nothing', async () => {
    const dir = expressJs(join(scratch, 'dry'));
    const run = await slipway('init', '--dir', dir, '--dry-run');
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /^orders-api: npm \(package-lock\.json\), entry server\.js, port 8081, health \/health\n/,
    );
    assert.match(run.stdout, /Dockerfile: would write \(new\)/);
    assert.match(run.stdout, /\.github\/workflows\/ci\.yml: would write \(new\)/);
    assert.equal(existsSync(join(dir, 'Dockerfile')), false);
  });

  it('keeps the existing Dockerfile and CI of a project, shows the diff, and overwrites only with --force', async () => {
    const dir = fastifyTs(join(scratch, 'keep'));
    const first = await slipway('init', '--dir', dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^-CMD npm start$/m);
    assert.match(first.stdout, /Dockerfile: kept \(differs; shown above, --force to overwrite\)/);
    assert.match(first.stdout, /kept your CI \(test\.yml\); no ci\.yml written/);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^CMD npm start$/m);
    const forced = await slipway('init', '--dir', dir, '--force');
    assert.match(forced.stdout, /Dockerfile: wrote \(overwritten\)/);
    assert.match(readFileSync(join(dir, 'Dockerfile'), 'utf8'), /^CMD \["node", "dist\/main\.js"\]$/m);
  });

  it('--proxy-port: written into the development environment; a bad value exits 2 naming the flag', async () => {
    const dir = expressJs(join(scratch, 'port'));
    const bad = await slipway('init', '--dir', dir, '--proxy-port', '99999');
    assert.equal(bad.code, 2, bad.stdout);
    assert.match(bad.stderr, /--proxy-port must be a TCP port \(1-65535\), got '99999'/);
    assert.equal(existsSync(join(dir, 'slipway.yaml')), false);
    const good = await slipway('init', '--dir', dir, '--proxy-port', '18124');
    assert.equal(good.code, 0, good.stderr);
    assert.match(readFileSync(join(dir, 'slipway.yaml'), 'utf8'), /^ {6}port: 18124 /m);
  });

  it('exits 2 with a message when the directory is not a Node project', async () => {
    const run = await slipway('init', '--dir', scratch);
    assert.equal(run.code, 2);
    assert.match(
      run.stderr,
      /^slipway: no package\.json in .*: run slipway init at the root of a Node project\n$/,
    );
  });
});
