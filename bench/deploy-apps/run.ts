/**
 * Whole `slipway deploy` runs of a real Express app (test/package/fixtures/express) per package
 * manager, through the installed bin of the packed package — what a team sees: the first deploy
 * (new state folder, cold Slipway dependency cache: the production install runs) and a code-only
 * change (server.js edited: the install is reused). Median of N runs, managers interleaved.
 *
 *   node bench/deploy-apps/run.ts [--runs 3] [--managers npm,yarn-1,yarn-berry,pnpm]
 *
 * The package managers come from `npm run prerequisites`; their own caches stay warm (as on a
 * developer's machine), only Slipway's is cold. The config is init's, edited as the packaging
 * tests do (1 replica, blue-green without analysis), so the time is the artifact plus starting
 * the instance and switching, not a canary's pauses.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { toolPath } from '../../scripts/prerequisites/index.ts';
import {
  addPackedSlipway,
  berryProject,
  type Manager,
  rehearsal,
  removeStore,
  stopEverything,
} from '../../test/package/support/apps.ts';
import { packedTarball, ROOT } from '../../test/package/support/pack.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    managers: { type: 'string', default: 'npm,yarn-1,yarn-berry,pnpm' },
  },
});
const RUNS = Number(values.runs);
const KNOWN: Manager[] = ['npm', 'yarn-1', 'yarn-berry', 'pnpm'];
const MANAGERS = (values.managers as string).split(',').map((m) => {
  if (!KNOWN.includes(m as Manager)) throw new Error(`unknown manager ${m} (known: ${KNOWN.join(', ')})`);
  return m as Manager;
});
const { tarball } = await packedTarball();
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-deploy-'));
// Also when a run throws: the four app copies with their node_modules are large.
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
// Named by its content: Yarn 1 caches a `file:` tarball by name and version (test/package/support/apps.ts).
const TGZ = `slipway-${basename(dirname(tarball))}.tgz`;
cpSync(tarball, join(work, TGZ));

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} in ${cwd} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface App {
  manager: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  port: number;
}

const apps: App[] = MANAGERS.map((manager, i) => {
  const tool = manager === 'npm' ? 'npm' : toolPath(manager);
  if (!tool) throw new Error(`${manager} is not installed: run npm run prerequisites`);
  const dir = join(work, manager);
  cpSync(join(ROOT, 'test', 'package', 'fixtures', 'express'), dir, { recursive: true });
  const env = {
    ...process.env,
    PATH: [dirname(process.execPath), ...(manager === 'npm' ? [] : [dirname(tool)]), process.env.PATH].join(
      ':',
    ),
    YARN_ENABLE_TELEMETRY: '0',
    COREPACK_ENABLE_STRICT: '0',
  };
  if (manager === 'yarn-berry') berryProject(dir);
  run(tool, addPackedSlipway(manager, TGZ), dir, env);
  const app = { manager, dir, env, port: 18800 + i };
  slipway(app, 'init');
  writeFileSync(
    join(dir, 'slipway.yaml'),
    rehearsal(readFileSync(join(dir, 'slipway.yaml'), 'utf8'), app.port),
  );
  return app;
});

function slipway(app: App, ...args: string[]): string {
  return run(join(app.dir, 'node_modules', '.bin', 'slipway'), args, app.dir, app.env);
}

function timed(fn: () => unknown): number {
  const started = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const times: Record<string, { first: number[]; change: number[] }> = {};
for (let r = 0; r < RUNS; r++) {
  for (const app of apps) {
    const cache = mkdtempSync(join(tmpdir(), 'slipway-bench-cache-'));
    const state = mkdtempSync(join(tmpdir(), 'slipway-bench-state-'));
    const env = { ...app.env, SLIPWAY_CACHE_DIR: cache };
    const one = { ...app, env };
    const entry = times[app.manager] ?? { first: [], change: [] };
    times[app.manager] = entry;
    try {
      entry.first.push(timed(() => slipway(one, 'deploy', '--env', 'development', '--state-dir', state)));
      const server = join(app.dir, 'server.js');
      writeFileSync(server, `${readFileSync(server, 'utf8')}// code change ${r}\n`);
      entry.change.push(timed(() => slipway(one, 'deploy', '--env', 'development', '--state-dir', state)));
    } finally {
      // As the matrix does (test/package/support/apps.ts): a failed deploy or `local down` must not
      // leave a daemon on a deleted folder, an artifact store in a cache, or the temp folders.
      try {
        slipway(one, 'local', 'down', '--state-dir', state);
      } catch (err) {
        console.error(`local down failed (${(err as Error).message.split('\n')[0]}); stopping the daemon`);
      }
      await stopEverything(state);
      removeStore(state);
      rmSync(state, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
    console.error(
      `run ${r + 1}/${RUNS} ${app.manager}: first ${entry.first.at(-1)?.toFixed(1)} s, change ${entry.change.at(-1)?.toFixed(1)} s`,
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `\nslipway deploy of an Express app, median of ${RUNS} (seconds; Node ${process.versions.node})\n`,
);
console.log('| package manager | first deploy (cold dependency cache) | code-only change |');
console.log('|---|---|---|');
for (const [manager, t] of Object.entries(times))
  console.log(
    `| ${manager} | ${median(t.first).toFixed(1)} (${t.first.map((x) => x.toFixed(1)).join(', ')}) | ${median(t.change).toFixed(1)} (${t.change.map((x) => x.toFixed(1)).join(', ')}) |`,
  );
