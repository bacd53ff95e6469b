/**
 * `slipway local install`: the unit it writes runs the keeper of the state folder — checked by
 * running the unit's own ExecStart line and by `systemd-analyze verify` where it exists.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import { stopDaemon } from '../../../src/targets/local/daemon/stop.ts';
import { renderServiceUnit, serviceName } from '../../../src/targets/local/keeper/service-unit.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { stopEverything } from './daemon-helpers.ts';
import { tempDir, until } from './helpers.ts';

const MAIN = new URL('../../../src/cli/main.ts', import.meta.url).href;
const run = promisify(execFile);
const input = (stateDir: string) => ({
  stateDir,
  node: '/opt/node 24/bin/node',
  keeperMain: '/srv/app/node_modules/slipway/dist/targets/local/keeper/main.js',
  path: '/usr/bin:/bin',
});

test('systemd unit: quoted ExecStart, restart always, SIGTERM to the keeper only, log appended', () => {
  const u = renderServiceUnit('systemd', input('/srv/my app/100%/.slipway'));
  assert.equal(
    u.fileName,
    `slipway-100-${serviceName('/srv/my app/100%/.slipway').split('-').at(-1)}.service`,
  );
  assert.match(
    u.text,
    /^ExecStart="\/opt\/node 24\/bin\/node" "\/srv\/app\/node_modules\/slipway\/dist\/targets\/local\/keeper\/main.js" "--state-dir" "\/srv\/my app\/100%%\/.slipway"$/m,
  );
  assert.match(u.text, /^Restart=always$/m);
  assert.match(u.text, /^KillMode=mixed$/m);
  assert.match(u.text, /^StandardOutput=append:\/srv\/my app\/100%\/.slipway\/daemon.log$/m);
  assert.deepEqual(u.enable.slice(0, 2), [
    'systemctl --user daemon-reload',
    `systemctl --user enable --now ${u.fileName}`,
  ]);
});

test('launchd agent: arguments and paths escaped, kept alive, run at load', () => {
  const u = renderServiceUnit('launchd', input('/Users/a&b/svc/.slipway'));
  assert.match(u.fileName, /^dev\.slipway\.svc-[0-9a-f]{8}\.plist$/);
  assert.match(u.text, /<string>\/Users\/a&amp;b\/svc\/.slipway<\/string>/);
  assert.match(u.text, /<key>KeepAlive<\/key>\n {2}<true\/>/);
  assert.match(u.text, /<key>RunAtLoad<\/key>\n {2}<true\/>/);
});

test('local install writes the unit; its ExecStart starts a keeper and a daemon that answers', {
  timeout: 90_000,
}, async (t) => {
  const dir = await tempDir(t, 'slipway-install-', (d) =>
    stopEverything(new StatePaths(join(d, '.slipway'))),
  );
  const state = join(dir, '.slipway');
  const units = join(dir, 'units');
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  const { stdout } = await run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      script,
      'local',
      'install',
      '--state-dir',
      state,
      '--dir',
      units,
      '--init',
      'systemd',
    ],
    { timeout: 60_000 },
  );
  const [file] = await readdir(units);
  assert.ok(file);
  assert.match(stdout, new RegExp(`wrote ${join(units, file)}`));
  assert.match(stdout, /systemctl --user enable --now slipway-/);
  const text = await readFile(join(units, file), 'utf8');
  const execStart = /^ExecStart=(.*)$/m.exec(text)?.[1] ?? '';
  const argv = [...execStart.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!.replace(/%%/g, '%'));
  assert.equal(argv[0], process.execPath);

  const analyze = await run('systemd-analyze', ['verify', join(units, file)]).then(
    (r) => r.stderr,
    (err: { code?: string; stderr?: string }) => (err.code === 'ENOENT' ? undefined : (err.stderr ?? '')),
  );
  if (analyze !== undefined) t.diagnostic(`systemd-analyze verify: ${analyze.trim() || 'no findings'}`);

  // What systemd would run: a keeper in the foreground, which starts the daemon.
  const keeper = spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' });
  t.after(() => keeper.kill('SIGKILL'));
  const client = await until(
    'the daemon answers',
    async () => {
      const c = await DaemonClient.read(state);
      return c && (await c.healthy()) ? c : undefined;
    },
    30_000,
  );
  assert.equal(client.info.keeperPid, keeper.pid);
  assert.equal(await stopDaemon(state, 20_000), true);
  await until(
    'the keeper exits after the daemon stopped',
    () => (keeper.exitCode !== null ? true : undefined),
    10_000,
  );
  assert.equal(keeper.exitCode, 0);
});
