/**
 * The README's main job, as a user runs it: `slipway demo --json` deploys examples/hello three
 * times under load and prints one summary object.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO } from './support/workspace.ts';

const ENTRY = fileURLToPath(new URL('./support/slipway.ts', import.meta.url));

test('slipway demo --json: v1 and v2 released, v3 rolled back, no user saw an error', {
  timeout: 240_000,
}, async () => {
  const child = spawn(join(REPO, 'node_modules', '.bin', 'node'), [ENTRY, 'demo', '--json'], {
    cwd: REPO,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, `demo exited ${code}: ${stderr}\n${stdout}`);
  const lines = stdout.trim().split('\n');
  assert.equal(lines.length, 1, '--json prints exactly one object');
  const summary = JSON.parse(lines[0] as string);
  for (const field of ['requests', 'userErrors', 'candidateErrors', 'rolledBack', 'rollbackMs']) {
    assert.ok(field in summary, `summary has ${field}`);
  }
  assert.equal(summary.userErrors, 0, `user errors: ${JSON.stringify(summary.userErrorSamples)}`);
  assert.equal(summary.rolledBack, true);
  assert.ok(summary.requests > 1000, `served ${summary.requests} requests`);
  assert.ok(summary.candidateErrors > 0, 'the bad canary failed some attempts');
  assert.ok(typeof summary.rollbackMs === 'number' && summary.rollbackMs > 0);
  assert.deepEqual(
    summary.releases.map((r: { version: string; outcome: string }) => [r.version, r.outcome]),
    [
      ['1.0.0', 'promoted'],
      ['2.0.0', 'promoted'],
      ['3.0.0', 'rolled-back'],
    ],
  );
  // Everything it started is stopped: its daemon's pid no longer runs.
  assert.equal(summary.kept, false);
});
