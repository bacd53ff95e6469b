/**
 * One row of the packaging matrix: the packed slipway installed with one package manager into a
 * fresh copy of a fixture app outside this repository (under os.tmpdir()), then every command a
 * user runs there, through the installed bin (`node_modules/.bin/slipway`), under Node 24 first on
 * PATH — never this checkout's src/. The rows are separate test files (apps-*.test.ts) so
 * `--test-concurrency=2` runs two at a time; each has its own proxy port and state folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import { stopDaemon } from '../../../src/targets/local/daemon/stop.ts';
import { isAlive } from '../../../src/targets/local/keeper/pid-file.ts';
import { packedTarball, ROOT } from './pack.ts';
import { requireTool } from './tools.ts';

export type Manager = 'npm' | 'yarn-1' | 'yarn-berry' | 'pnpm';
export type Fixture = 'express' | 'fastify';

export interface Row {
  manager: Manager;
  /** express honours PORT; fastify hard-codes 3917 (init must say so, the first deploy fails clearly). */
  fixture: Fixture;
  /** The development environment's proxy port (distinct per row). */
  proxyPort: number;
  /** yarn-berry only: `nodeLinker: pnp`, every command through `yarn slipway` (no node_modules/.bin). */
  pnp?: boolean;
}

export interface Run {
  code: number | null;
  out: string;
  err: string;
}

export interface App {
  dir: string;
  env: NodeJS.ProcessEnv;
  slipway(...args: string[]): Run;
  /** Runs the package manager itself in the app folder. */
  pm(...args: string[]): Run;
}

const FIXTURES = join(ROOT, 'test', 'package', 'fixtures');
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeout = 300_000): Run {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    code: r.status,
    out: r.stdout ?? '',
    err: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}`,
  };
}

export const ok = (r: Run, what: string) =>
  assert.equal(r.code, 0, `${what} exited ${r.code}\n--- stdout\n${r.out}\n--- stderr\n${r.err}`);

/** The app folder as a Yarn Berry project of its own (with the node-modules linker unless `pnp`). */
export function berryProject(dir: string, pnp = false): void {
  writeFileSync(
    join(dir, '.yarnrc.yml'),
    `nodeLinker: ${pnp ? 'pnp' : 'node-modules'}\nenableTelemetry: false\n`,
  );
  writeFileSync(join(dir, 'yarn.lock'), '');
}

/** The manager's command that adds the tarball `../<tgz>` as a devDependency. */
export function addPackedSlipway(manager: Manager, tgz: string): string[] {
  return {
    npm: ['install', '--save-dev', `../${tgz}`, '--no-audit', '--no-fund'],
    'yarn-1': ['add', '--dev', `file:../${tgz}`, '--non-interactive'],
    'yarn-berry': ['add', '--dev', `slipway@file:../${tgz}`],
    pnpm: ['add', '--save-dev', `../${tgz}`],
  }[manager];
}

/**
 * A fresh app folder with the packed slipway installed as a devDependency (`file:../slipway-….tgz`,
 * as a team vendoring a release would), or undefined when the package manager is not installed.
 */
export async function installApp(
  t: TestContext,
  manager: Manager,
  fixture: Fixture,
  opts: { pnp?: boolean } = {},
): Promise<App | undefined> {
  const tool = manager === 'npm' ? 'npm' : requireTool(t, manager);
  if (!tool) return undefined;
  const { tarball } = await packedTarball();
  const work = mkdtempSync(join(tmpdir(), `slipway-apps-${manager}-`));
  const dir = join(work, fixture);
  // One hook, in this order (after hooks run first-registered first): a daemon whose state folder
  // was deleted under it would be left running; the artifact store in the cache, kept per state
  // folder, would be left behind for ever.
  t.after(async () => {
    await stopEverything(join(dir, '.slipway'));
    removeStore(join(dir, '.slipway'));
    rmSync(work, { recursive: true, force: true });
  });
  // Named by its content: Yarn 1 caches a `file:` tarball by name and version, and would install
  // an older build of the same version from its cache.
  const tgz = `slipway-${VERSION}-${basename(dirname(tarball)).replace(/^slipway-package-/, '')}.tgz`;
  cpSync(tarball, join(work, tgz));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The bin's `#!/usr/bin/env node` must find Node 24, and the deploy's install the manager.
    PATH: [dirname(process.execPath), ...(manager === 'npm' ? [] : [dirname(tool)]), process.env.PATH].join(
      ':',
    ),
    CI: 'true',
    YARN_ENABLE_TELEMETRY: '0',
    YARN_ENABLE_PROGRESS_BARS: '0',
    COREPACK_ENABLE_STRICT: '0',
    npm_config_update_notifier: 'false',
  };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  const pm = (...args: string[]) => run(tool, args, dir, env);
  if (manager === 'yarn-berry') berryProject(dir, opts.pnp === true);
  const install = addPackedSlipway(manager, tgz);
  const started = Date.now();
  ok(pm(...install), `${manager} ${install.join(' ')}`);
  t.diagnostic(
    `${manager} installed the packed slipway into ${fixture} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const bin = join(dir, 'node_modules', '.bin', 'slipway');
  const slipway = (...args: string[]) =>
    opts.pnp ? run(tool, ['slipway', ...args], dir, env, 180_000) : run(bin, args, dir, env, 180_000);
  if (!opts.pnp) assert.ok(existsSync(bin), `${bin} is missing after the install`);
  return { dir, env, slipway, pm };
}

/** The app's artifact store in the cache (`<cache>/stores/<id>`, linked from `<state>/artifacts`). */
export function removeStore(stateDir: string): void {
  const link = join(stateDir, 'artifacts');
  if (!existsSync(link) || !lstatSync(link).isSymbolicLink()) return;
  const store = dirname(readlinkSync(link));
  if (basename(dirname(store)) === 'stores') rmSync(store, { recursive: true, force: true });
}

/** The daemon of the app's state folder and its keeper, stopped, then killed if still alive. */
export async function stopEverything(stateDir: string): Promise<void> {
  if (!existsSync(stateDir)) return;
  await stopDaemon(stateDir, 20_000).catch(() => false);
  for (let i = 0; i < 3; i++) {
    const client = await DaemonClient.read(stateDir).catch(() => undefined);
    const pids = [client?.info.keeperPid, client?.info.pid].filter((p): p is number => !!p && isAlive(p));
    if (pids.length === 0) return;
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * For bench/deploy-apps, which measures builds and installs, not strategies: one replica and a
 * blue-green switch without analysis. (The matrix deploys init's config as written.)
 */
export function rehearsal(yaml: string, proxyPort: number): string {
  const out = yaml
    .replace(/^replicas: \d+.*$/m, 'replicas: 1')
    // A canary waits for a passing verdict, which needs traffic; blue-green without analysis does not.
    .replace(
      /strategy:\n {2}canary:\n {4}steps:\n(?: {6}- .*\n)+/,
      'strategy:\n  blue-green: { prePromotionAnalysis: false, autoPromote: true, scaleDownDelay: 1s }\n',
    )
    // init's development environment has a canary of its own (15 s of analysis), which overrides
    // the base: without this the code-change deploy measured that wait, not the build.
    .replace(
      /( {4}strategy:\n) {6}canary:\n {8}steps:\n(?: {10}- .*\n)+/,
      '$1      blue-green: { prePromotionAnalysis: false, autoPromote: true, scaleDownDelay: 1s }\n',
    )
    .replace(/(development:\n {4}target: local\n {4}proxy:\n {6}port: )\d+/, `$1${proxyPort}`);
  assert.match(out, new RegExp(`port: ${proxyPort}`), out);
  assert.match(out, /blue-green: \{ prePromotionAnalysis: false/, out);
  assert.doesNotMatch(out, /^ *canary:/m, out);
  return out;
}

/**
 * One GET on a connection of its own: this checks which release answers, not keep-alive reuse (under
 * Node 22.19 fetch's pooled connection, idle through a rollback, was closed by the server as it was
 * reused: "other side closed").
 */
function body(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`GET / on port ${port} answered ${res.statusCode}: ${text}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`GET / on port ${port}: no answer within 5 s`)));
    req.on('error', reject);
  });
}

/** The whole user path of one row, asserting every command's exit code and its key output. */
export async function runRow(t: TestContext, row: Row): Promise<void> {
  const app = await installApp(t, row.manager, row.fixture, { pnp: row.pnp === true });
  if (!app) return;
  const { slipway } = app;
  const dev = ['--env', 'development'];

  const version = slipway('--version');
  ok(version, 'slipway --version');
  assert.equal(version.out.trim(), VERSION);

  // The demo's example service ships in the repository only: one line saying so, exit 2.
  const demo = slipway('demo');
  assert.equal(demo.code, 2, `${demo.out}${demo.err}`);
  assert.match(
    demo.err,
    /^slipway: slipway demo needs a checkout of the Slipway repository .*`slipway init`/,
    demo.err,
  );
  assert.equal(demo.err.trimEnd().split('\n').length, 1, demo.err);

  // init's config is deployed as written, canary included: the one flag gives each row its own port.
  const init = slipway('init', '--proxy-port', String(row.proxyPort));
  ok(init, 'slipway init');
  const managerName = row.manager === 'npm' ? 'npm' : row.manager === 'pnpm' ? 'pnpm' : 'yarn';
  assert.match(init.out, new RegExp(`: ${managerName}\\b[^(\n]*\\(`), init.out);
  const yamlFile = join(app.dir, 'slipway.yaml');
  const written = readFileSync(yamlFile, 'utf8');
  if (row.fixture === 'fastify') {
    assert.match(`${init.out}${init.err}`, /server\.js:7 listens on 3917/, `${init.out}${init.err}`);
    assert.match(written, /^replicas: 1/m);
  }
  assert.match(readFileSync(join(app.dir, '.gitignore'), 'utf8'), /^\.slipway\/?$/m);
  assert.match(written, /^ {4}proxy:\n {6}port: (\d+) /m);
  assert.equal(/^ {4}proxy:\n {6}port: (\d+) /m.exec(written)?.[1], String(row.proxyPort));

  ok(slipway('validate'), 'slipway validate');
  const config = slipway('config', ...dev, '--json');
  ok(config, 'slipway config');
  assert.equal(JSON.parse(config.out).config.service, row.fixture === 'express' ? 'shop-api' : 'orders-api');
  const yaml = slipway('render', '--env', 'production');
  ok(yaml, 'slipway render (yaml)');
  assert.match(yaml.out, /^kind: Deployment$/m);
  const rollouts = slipway('render', '--env', 'production', '--format', 'argo-rollouts');
  ok(rollouts, 'slipway render --format argo-rollouts');
  assert.match(rollouts.out, /^kind: Rollout$/m);
  const kustomize = slipway('render', '--env', 'production', '--format', 'kustomize', '--out', 'k8s');
  ok(kustomize, 'slipway render --format kustomize');
  assert.ok(existsSync(join(app.dir, 'k8s', 'base', 'kustomization.yaml')));

  // plan --dry-run before any deploy: what would be built, and nothing started.
  const plan = slipway('plan', '--dry-run', ...dev);
  ok(plan, 'slipway plan --dry-run');
  assert.match(plan.out, /artifact: \d+ files/, plan.out);
  assert.match(plan.out, /live: no daemon running/, plan.out);
  const replicas = row.fixture === 'fastify' ? '1 replica,' : '2 replicas,';
  assert.match(plan.out, new RegExp(`strategy: canary, ${replicas}`), plan.out);
  assert.match(plan.out, /no candidate request by .*: passes \(analysis\.noData: pass\)/, plan.out);
  assert.ok(!existsSync(join(app.dir, '.slipway', 'daemon.json')), 'plan started a daemon');

  if (row.fixture === 'fastify') {
    // The hard-coded port: the deploy fails with the cause and the fix, then the user applies it.
    const failed = slipway('deploy', ...dev);
    assert.notEqual(failed.code, 0, failed.out);
    assert.match(
      `${failed.out}${failed.err}`,
      /the app ignores PORT \(it listened on 3917/,
      `${failed.out}${failed.err}`,
    );
    const server = join(app.dir, 'server.js');
    writeFileSync(
      server,
      readFileSync(server, 'utf8').replace('port: 3917', 'port: Number(process.env.PORT ?? 3917)'),
    );
  }

  const timed = (what: string) => {
    const started = Date.now();
    const r = slipway('deploy', ...dev);
    ok(r, what);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`${row.manager} ${row.fixture}: ${what} took ${seconds.toFixed(1)} s`);
    return { ...r, seconds };
  };
  const deployed = timed('first deploy');
  const first = await body(row.proxyPort);
  // Unchanged code: plan names the digest just deployed, in the store, and the live release.
  const again = slipway('plan', '--dry-run', ...dev);
  ok(again, 'slipway plan --dry-run after the deploy');
  const digest = /artifact (sha256:[0-9a-f]{12})/.exec(deployed.out)?.[1];
  assert.ok(digest, deployed.out);
  assert.match(
    again.out,
    new RegExp(`digest ${digest}[0-9a-f]+ \\(in the store already: reused\\)`),
    again.out,
  );
  assert.match(again.out, /live: release \d+/, again.out);
  const server = join(app.dir, 'server.js');
  writeFileSync(server, readFileSync(server, 'utf8').replace(/hello from/, 'hi from'));
  // No traffic during the canary: its 15 s analysis step passes by noData: pass, then it is promoted
  // (not held until the 5 m progress deadline and rolled back, as before).
  const changed = timed('code-change deploy');
  assert.match(
    changed.out,
    /step 2\/2: analysing: no candidate requests yet .*analysis\.noData: pass passes it/,
  );
  assert.match(changed.out, /no-data policy is 'pass'/, changed.out);
  assert.match(changed.out, /released: /, changed.out);
  assert.ok(changed.seconds >= 15 && changed.seconds < 120, `code-change deploy took ${changed.seconds} s`);
  assert.match(await body(row.proxyPort), /^hi from/);

  const status = slipway('status', ...dev);
  ok(status, 'slipway status');
  assert.match(status.out, /serving: release \d+/);
  const history = slipway('history', ...dev);
  ok(history, 'slipway history');
  assert.match(history.out, /promoted/);
  const rollback = slipway('rollback', ...dev);
  ok(rollback, 'slipway rollback');
  assert.equal(await body(row.proxyPort), first);
  ok(slipway('local', 'down'), 'slipway local down');
}
