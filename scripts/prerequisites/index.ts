/**
 * Finding and installing the tools of ./list.ts. Pure lookups (`toolPath`) for tests, and
 * `ensure()` for scripts/prerequisites/run.ts, which installs what is missing and says what it did.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { PREREQUISITES, type Prerequisite, type Source } from './list.ts';

export { PREREQUISITES, type Prerequisite } from './list.ts';

/** Where PyPI and Go tools are installed: one folder per pinned version. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SLIPWAY_CACHE ?? join(homedir(), '.cache', 'slipway'), 'prerequisites');
}

/** The folder holding the executables of one cached source (undefined for Debian packages). */
export function cachedBinDir(source: Source, env: NodeJS.ProcessEnv = process.env): string | undefined {
  switch (source.kind) {
    case 'debian':
      return undefined;
    case 'pypi':
      return join(cacheDir(env), 'pypi', `${source.package}-${source.version}`, 'bin');
    case 'go':
      return join(cacheDir(env), 'go', `${source.module.replaceAll('/', '_')}-${source.version}`);
    case 'npm':
      return join(npmHome(source, env), 'node_modules', '.bin');
  }
}

/** The `npm install --prefix` folder of a cached npm package. */
function npmHome(source: Extract<Source, { kind: 'npm' }>, env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), 'npm', `${source.package.replace('/', '+')}-${source.version}`);
}

/** The folder that holds the ready marker of a cached source. */
function homeOf(source: Exclude<Source, { kind: 'debian' }>, env: NodeJS.ProcessEnv): string {
  if (source.kind === 'npm') return npmHome(source, env);
  const bin = cachedBinDir(source, env)!;
  return source.kind === 'pypi' ? join(bin, '..') : bin;
}

const executable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function onPath(bin: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, bin))) return join(dir, bin);
  }
  return undefined;
}

function isReady(source: Source, env: NodeJS.ProcessEnv): boolean {
  return source.kind !== 'debian' && existsSync(join(homeOf(source, env), READY));
}

/** What toolPath() looks an entry up by. */
export const idOf = (p: Prerequisite): string => p.id ?? p.bin;

/**
 * Absolute path of a prerequisite's executable (by `id`, default its `bin`): the cache's pinned
 * one, else PATH's (never PATH's for npm packages, whose versions matter); undefined when neither.
 */
export function toolPath(
  id: string,
  env: NodeJS.ProcessEnv = process.env,
  list: Prerequisite[] = PREREQUISITES,
): string | undefined {
  const entry = list.find((p) => idOf(p) === id);
  const bin = entry?.bin ?? id;
  const cached = entry && cachedBinDir(entry.source, env);
  if (cached && executable(join(cached, bin)) && isReady(entry.source, env)) return join(cached, bin);
  return entry?.source.kind === 'npm' ? undefined : onPath(bin, env);
}

/** PATH with the cache folders of every prerequisite first (npm packages excepted), for the test process. */
export function pathWithTools(env: NodeJS.ProcessEnv = process.env): string {
  const dirs = PREREQUISITES.filter((p) => p.source.kind !== 'npm')
    .map((p) => cachedBinDir(p.source, env))
    .filter((d): d is string => d !== undefined && existsSync(d));
  return [...new Set(dirs), env.PATH ?? ''].join(delimiter);
}

export type Outcome =
  | { bin: string; status: 'present'; path: string }
  | { bin: string; status: 'installed'; path: string; how: string; seconds: number }
  /** `instruction`: one line a person can run to get it. */
  | { bin: string; status: 'missing'; reason: string; instruction: string };

type Runner = (
  command: string,
  args: string[],
  opts?: { env?: NodeJS.ProcessEnv },
) => { ok: boolean; output: string };

const run: Runner = (command, args, opts) => {
  const r = spawnSync(command, args, { encoding: 'utf8', env: opts?.env ?? process.env, stdio: 'pipe' });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`;
  return { ok: r.status === 0, output };
};

const lastLine = (text: string): string =>
  text.trim().split('\n').filter(Boolean).at(-1)?.slice(0, 300) ?? '(no output)';

function instructionFor(p: Prerequisite, env: NodeJS.ProcessEnv): string {
  const s = p.source;
  if (s.kind === 'debian') return `sudo apt-get install -y --no-install-recommends ${s.package}`;
  if (s.kind === 'pypi')
    return `python3 -m venv ${join(cachedBinDir(s, env)!, '..')} && ${join(cachedBinDir(s, env)!, 'pip')} install ${s.package}==${s.version}`;
  if (s.kind === 'npm') return `npm install --prefix ${npmHome(s, env)} ${s.package}@${s.version}`;
  return `GOBIN=${cachedBinDir(s, env)} go install ${s.module}@${s.version}`;
}

/** Installs one missing prerequisite; returns an error line, or undefined on success. */
function install(p: Prerequisite, env: NodeJS.ProcessEnv, aptUpdated: { done: boolean }): string | undefined {
  const s = p.source;
  if (s.kind === 'debian') {
    const root = process.getuid?.() === 0;
    const sudo = root ? [] : ['sudo', '-n'];
    if (!root && !onPath('sudo', env)) return 'not root and no sudo';
    const apt = (args: string[]) =>
      run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(root ? [] : ['apt-get']), ...args], {
        env: { ...env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    // Another test run may hold the dpkg lock: wait for it rather than fail.
    const lock = ['-o', 'DPkg::Lock::Timeout=300'];
    if (!aptUpdated.done) {
      const u = apt([...lock, 'update', '-qq']);
      if (!u.ok) return `apt-get update failed: ${lastLine(u.output)}`;
      aptUpdated.done = true;
    }
    const i = apt([...lock, 'install', '-y', '-qq', '--no-install-recommends', s.package]);
    return i.ok ? undefined : `apt-get install ${s.package} failed: ${lastLine(i.output)}`;
  }
  const home = homeOf(s, env);
  return withLock(`${home}.lock`, () => {
    if (existsSync(join(home, READY))) return undefined; // another run installed it meanwhile
    rmSync(home, { recursive: true, force: true });
    mkdirSync(join(home, '..'), { recursive: true });
    const error =
      s.kind === 'pypi'
        ? installPypi(s, home, env)
        : s.kind === 'npm'
          ? installNpm(s, home, env)
          : installGo(s, home, env);
    if (error) rmSync(home, { recursive: true, force: true });
    else writeFileSync(join(home, READY), `${new Date().toISOString()}\n`);
    return error;
  });
}

/** Written last into a cached tool's folder: a half-finished install is never taken for a tool. */
const READY = '.slipway-installed';

function installPypi(s: Extract<Source, { kind: 'pypi' }>, home: string, env: NodeJS.ProcessEnv) {
  const python = onPath('python3', env);
  if (!python) return 'python3 is not installed';
  // In place: a venv's scripts name their interpreter by absolute path, so it cannot be moved.
  const v = run(python, ['-m', 'venv', home]);
  if (!v.ok) return `python3 -m venv failed: ${lastLine(v.output)}`;
  // Wheels only: some sdists download binaries from outside the package registry at build time.
  const pip = run(join(home, 'bin', 'pip'), [
    'install',
    '--quiet',
    '--disable-pip-version-check',
    '--only-binary=:all:',
    `${s.package}==${s.version}`,
  ]);
  return pip.ok ? undefined : `pip install ${s.package}==${s.version} failed: ${lastLine(pip.output)}`;
}

function installGo(s: Extract<Source, { kind: 'go' }>, home: string, env: NodeJS.ProcessEnv) {
  const go = onPath('go', env);
  if (!go) return 'go is not installed';
  const g = run(go, ['install', `${s.module}@${s.version}`], {
    env: { ...env, GOBIN: home, GOFLAGS: '-mod=mod' },
  });
  return g.ok ? undefined : `go install ${s.module}@${s.version} failed: ${lastLine(g.output)}`;
}

function installNpm(s: Extract<Source, { kind: 'npm' }>, home: string, env: NodeJS.ProcessEnv) {
  const npm = onPath('npm', env);
  if (!npm) return 'npm is not installed';
  // From the npm registry only (the `node` package's install script fetches its binary from there too).
  const i = run(npm, ['install', '--no-audit', '--no-fund', '--prefix', home, `${s.package}@${s.version}`]);
  return i.ok ? undefined : `npm install ${s.package}@${s.version} failed: ${lastLine(i.output)}`;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `fn` holding a lock folder; waits for another holder, takes over one older than an hour. */
function withLock<T>(lock: string, fn: () => T): T {
  mkdirSync(join(lock, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 3_600_000) rmSync(lock, { recursive: true, force: true });
      else sleep(1000);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Checks every prerequisite and installs the missing ones (unless `checkOnly`). */
export function ensure(
  opts: { env?: NodeJS.ProcessEnv; checkOnly?: boolean; list?: Prerequisite[] } = {},
): Outcome[] {
  const env = opts.env ?? process.env;
  const aptUpdated = { done: false };
  return (opts.list ?? PREREQUISITES).map((p): Outcome => {
    const found = toolPath(idOf(p), env, opts.list);
    if (found) return { bin: idOf(p), status: 'present', path: found };
    const instruction = instructionFor(p, env);
    if (opts.checkOnly) return { bin: idOf(p), status: 'missing', reason: 'not installed', instruction };
    const started = Date.now();
    const error = install(p, env, aptUpdated);
    const after = toolPath(idOf(p), env, opts.list);
    if (error || !after) {
      return {
        bin: idOf(p),
        status: 'missing',
        reason: error ?? `installed, but no ${p.bin} found`,
        instruction,
      };
    }
    const how =
      p.source.kind === 'debian'
        ? `apt-get install ${p.source.package}`
        : `${p.source.kind} ${p.source.kind === 'go' ? p.source.module : p.source.package}@${p.source.version}`;
    return {
      bin: idOf(p),
      status: 'installed',
      path: after,
      how,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
  });
}
