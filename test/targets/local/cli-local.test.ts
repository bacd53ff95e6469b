/** `slipway local up | status | down`, run as a user would (a separate CLI process). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { stopEverything } from './daemon-helpers.ts';
import { isAlive, tempDir } from './helpers.ts';

const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).href;
const run = promisify(execFile);

async function slipway(...args: string[]): Promise<string> {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, ...args], {
    timeout: 60_000,
  });
  return stdout;
}

test('local up starts the daemon, status --json shows it, down stops it', async (t) => {
  const dir = await tempDir(t, 'slipway-local-', (d) => stopEverything(new StatePaths(join(d, '.slipway'))));
  const state = join(dir, '.slipway');
  assert.deepEqual(JSON.parse(await slipway('local', 'status', '--state-dir', state, '--json')), {
    running: false,
    stateDir: state,
  });
  assert.match(
    await slipway('local', 'up', '--state-dir', state),
    /^daemon running: pid \d+, control port \d+/,
  );
  const status = JSON.parse(await slipway('local', 'status', '--state-dir', state, '--json'));
  assert.equal(status.running, true);
  assert.deepEqual(status.environments, []);
  assert.ok(isAlive(status.pid));
  assert.match(await slipway('local', 'down', '--state-dir', state), /daemon stopped/);
  assert.equal(isAlive(status.pid), false);
});
