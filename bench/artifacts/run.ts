/**
 * Local artifact build, before and after immutable artifacts, on a real third-party Express app
 * (render-examples/express-hello-world), per package manager: the first deploy of a fresh clone
 * and a code-only change (app.js edited), median of N runs, interleaved.
 *
 *   node bench/artifacts/run.ts --app <folder with the app> --before <old src/ folder> [--runs 3]
 *
 * `--before` is the `src/` of the code before the change (e.g. `git archive 9d891b6 src | tar -x`),
 * built with the command `slipway init` wrote then, in the checkout. The time measured is what
 * `slipway deploy` spends preparing the artifact (build + install + pack): starting instances and
 * the strategy's steps did not change. Yarn and pnpm run through Corepack shims (set
 * COREPACK_INTEGRITY_KEYS=0 and COREPACK_NPM_REGISTRY where the registry is a mirror).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildArtifact } from '../../src/targets/local/artifacts/index.ts';
import { makeWritable } from '../../src/targets/local/artifacts/pack.ts';
import { StatePaths } from '../../src/targets/local/state/paths.ts';

const { values } = parseArgs({
  options: { app: { type: 'string' }, before: { type: 'string' }, runs: { type: 'string', default: '3' } },
});
if (!values.app || !values.before)
  throw new Error('usage: run.ts --app <dir> --before <old src dir> [--runs N]');
const APP = resolve(values.app);
const RUNS = Number(values.runs);
const work = mkdtempSync(join(tmpdir(), 'slipway-bench-artifacts-'));
const bin = join(work, 'bin');
mkdirSync(bin);
execFileSync('corepack', ['enable', '--install-directory', bin, 'yarn', 'pnpm']);
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };
const sh = (cwd: string, cmd: string) => execFileSync('/bin/sh', ['-c', cmd], { cwd, env, stdio: 'pipe' });

interface Manager {
  name: string;
  packageManager?: string;
  /** Makes the lockfile from the app's package.json (not timed). */
  lock: string;
  /** What `slipway init` wrote as artifact.local.build before the change. */
  oldBuild: string;
}
const MANAGERS: Manager[] = [
  {
    name: 'npm',
    lock: 'npm install --package-lock-only --no-audit --no-fund',
    oldBuild: 'npm ci --omit=dev --no-audit --no-fund',
  },
  { name: 'yarn 1', lock: 'test -f yarn.lock', oldBuild: 'yarn workspaces focus --all --production' },
  {
    name: 'yarn 4',
    packageManager: 'yarn@4.5.3',
    lock: 'rm -f yarn.lock && YARN_ENABLE_IMMUTABLE_INSTALLS=0 yarn install --mode=update-lockfile',
    oldBuild: 'yarn workspaces focus --all --production',
  },
  {
    name: 'pnpm 9',
    packageManager: 'pnpm@9.15.0',
    lock: 'rm -f yarn.lock && pnpm install --lockfile-only',
    oldBuild: 'pnpm install --frozen-lockfile --prod',
  },
];

/** A clone of the app for one manager: its lockfile made, committed in git like a real checkout. */
function template(m: Manager): string {
  const dir = join(work, `template-${m.name.replace(/\W/g, '')}`);
  cpSync(APP, dir, { recursive: true, filter: (src) => !src.includes('/.git') });
  if (m.packageManager) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ ...pkg, packageManager: m.packageManager }, null, 2)}\n`,
    );
  }
  if (m.name !== 'yarn 1') rmSync(join(dir, 'yarn.lock'), { force: true });
  sh(dir, m.lock);
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  rmSync(join(dir, '.yarn'), { recursive: true, force: true });
  writeFileSync(join(dir, 'slipway.yaml'), 'service: express-hello-world\n');
  sh(dir, 'git init -q && git add -A && git -c user.email=b@e -c user.name=bench commit -qm app');
  return dir;
}

type Build = typeof buildArtifact;
const old = (await import(join(resolve(values.before), 'targets/local/artifacts/index.ts'))) as {
  buildArtifact: Build;
};

interface Sample {
  first: number;
  change: number;
  resolvesFrom: string;
}

async function once(
  tpl: string,
  m: Manager,
  variant: 'before' | 'after',
  n: number,
): Promise<Sample | string> {
  const dir = join(work, `${variant}-${m.name.replace(/\W/g, '')}-${n}`);
  cpSync(tpl, dir, { recursive: true });
  const paths = new StatePaths(join(dir, '.slipway'));
  const cacheDir = join(work, `cache-${variant}-${m.name.replace(/\W/g, '')}-${n}`);
  const build = () =>
    variant === 'before'
      ? old.buildArtifact({ serviceDir: dir, artifact: { build: m.oldBuild, path: '.' }, paths })
      : buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir, env });
  const saved = process.env.PATH;
  process.env.PATH = env.PATH; // the old build has no env option: it runs with this process's
  try {
    let t = performance.now();
    await build();
    const first = performance.now() - t;
    writeFileSync(join(dir, 'app.js'), `${readFileSync(join(dir, 'app.js'), 'utf8')}\n// edited\n`);
    t = performance.now();
    const changed = await build();
    const change = performance.now() - t;
    // Where the app finds express when it starts from the artifact folder.
    const where = execFileSync(
      process.execPath,
      ['-e', 'try { console.log(require.resolve("express")) } catch { console.log("") }'],
      { cwd: changed.folder, encoding: 'utf8' },
    ).trim();
    const resolvesFrom = !where
      ? 'nowhere (app cannot start)'
      : where.startsWith(changed.folder) || where.includes('/stores/')
        ? 'its own node_modules'
        : 'the checkout';
    return { first, change, resolvesFrom };
  } catch (err) {
    return `fails: ${(err as Error).message.split('\n').slice(0, 2).join(' ').slice(0, 140)}`;
  } finally {
    process.env.PATH = saved;
    await makeWritable(dir);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const rows: string[] = [];
for (const m of MANAGERS) {
  const tpl = template(m);
  const got: Record<'before' | 'after', (Sample | string)[]> = { before: [], after: [] };
  for (let n = 0; n < RUNS; n++) {
    for (const variant of ['before', 'after'] as const) got[variant].push(await once(tpl, m, variant, n));
  }
  const cell = (variant: 'before' | 'after') => {
    const ok = got[variant].filter((x): x is Sample => typeof x !== 'string');
    if (ok.length === 0) return { first: '-', change: '-', from: String(got[variant][0]), f: NaN, c: NaN };
    const f = median(ok.map((x) => x.first));
    const c = median(ok.map((x) => x.change));
    return { first: s(f), change: s(c), from: ok[0]?.resolvesFrom ?? '', f, c };
  };
  const b = cell('before');
  const a = cell('after');
  const ratio = (x: number, y: number) =>
    Number.isFinite(x) && Number.isFinite(y) ? `${(x / y).toFixed(1)}×` : '-';
  rows.push(
    `| ${m.name} | ${b.first} | ${b.change} | ${b.from} | ${a.first} | ${a.change} | ${a.from} | ${ratio(b.f, a.f)} | ${ratio(b.c, a.c)} |`,
  );
  console.error(`${m.name}: done`);
}
console.log(`express-hello-world (render-examples), artifact preparation per deploy, median of ${RUNS}`);
console.log(
  '| manager | before: first | before: code change | before: express from | after: first | after: code change | after: express from | first before/after | change before/after |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
await makeWritable(work);
rmSync(work, { recursive: true, force: true });
