/**
 * Production `node_modules` for an artifact, installed once per lockfile and reused.
 *
 * The install runs with the app's own package manager and lockfile (see src/package-manager) in a
 * folder of the dependency cache — never in the user's checkout, whose devDependencies stay put.
 * The cache key covers what changes an install's result: the lockfile, the install-relevant
 * package.json fields (not `scripts` or `main`), the package manager's settings files, its
 * version, the Node major version, the platform and the CPU. An unchanged key costs no install:
 * a code-only change reuses the folder, and the artifact gets hard links to it.
 *
 * Default cache: `$SLIPWAY_CACHE_DIR` or `$XDG_CACHE_HOME/slipway` or `~/.cache/slipway`,
 * shared by every project of the user (entries are immutable, named by their key).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import {
  INSTALL_FIELDS,
  INSTALL_INPUT_FOLDERS,
  INSTALL_INPUTS,
  installCommands,
} from '../../../package-manager/commands.ts';
import { detectPackageManager, type PackageManager } from '../../../package-manager/detect.ts';
import { runBuild } from './build.ts';
import { ArtifactFolderError } from './errors.ts';
import { type LocalFileDependency, localFileDependencies, mirroredLayout } from './local-files.ts';
import { digestTree, type TreeEntry, walkTree } from './tree.ts';

export interface InstalledDependencies {
  key: string;
  /** The cache folder; its `node_modules` is what the artifact links. */
  folder: string;
  entries: TreeEntry[];
  /** Digest of the installed tree: part of the artifact's digest. */
  treeDigest: string;
  manager: PackageManager;
  command: string;
  /** True when the key was in the cache and nothing was installed. */
  reused: boolean;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLIPWAY_CACHE_DIR) return env.SLIPWAY_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'slipway');
}

interface Manifest {
  key: string;
  treeDigest: string;
  entries: TreeEntry[];
  command: string;
}

export interface DependencyOptions {
  appDir: string;
  /** The folder `appDir` was staged from: relative `file:` paths point from there (default: appDir). */
  sourceDir?: string;
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (chunk: string) => void;
}

/** The install an artifact of `appDir` needs, worked out without running it. */
export interface DependencyPlan {
  key: string;
  folder: string;
  manager: PackageManager;
  version: string;
  command: string;
  /** What the install is run on (package.json reduced to its install fields, lockfile, settings). */
  inputs: [string, Buffer][];
  localFiles: LocalFileDependency[];
  /** The installed dependencies when the key is in the cache already. */
  cached?: InstalledDependencies;
}

/**
 * The production install of the app in `appDir` (which holds package.json): its cache key, its
 * command and whether the cache has it. Installs nothing (`slipway plan` reads this). Undefined
 * when package.json declares no dependencies at all.
 */
export async function planDependencies(opts: DependencyOptions): Promise<DependencyPlan | undefined> {
  const pkgText = await readFile(join(opts.appDir, 'package.json'), 'utf8');
  const pkg = JSON.parse(pkgText) as Record<string, unknown>;
  const deps = { ...(pkg.dependencies as object), ...(pkg.optionalDependencies as object) };
  if (Object.keys(deps).length === 0) return undefined;
  const manager = detectPackageManager(opts.appDir);
  if (!manager.lockfile) {
    throw new ArtifactFolderError(
      `no lockfile beside ${join(opts.appDir, 'package.json')}: the artifact installs its production dependencies exactly as locked; run \`${manager.name} install\` and commit the lockfile (or bundle the app and point artifact.local.path at the bundle)`,
    );
  }
  const env = { ...(opts.env ?? process.env) };
  const version = await managerVersion(manager, opts.appDir, env, opts.cacheDir);
  const reduced = Object.fromEntries(INSTALL_FIELDS.filter((f) => f in pkg).map((f) => [f, pkg[f]]));
  const inputs: [string, Buffer][] = [['package.json', Buffer.from(JSON.stringify(reduced, null, 2))]];
  for (const file of INSTALL_INPUTS) {
    const abs = join(opts.appDir, file);
    if (existsSync(abs)) inputs.push([file, await readFile(abs)]);
  }
  const folders = INSTALL_INPUT_FOLDERS.filter((f) => existsSync(join(opts.appDir, f)));
  for (const folder of folders) {
    for (const e of await walkTree(join(opts.appDir, folder))) {
      if (e.kind === 'file')
        inputs.push([`${folder}/${e.rel}`, await readFile(join(opts.appDir, folder, e.rel))]);
    }
  }
  const localFiles = await localFileDependencies(opts.sourceDir ?? opts.appDir, pkg);
  const hash = createHash('sha256');
  hash.update(
    `${manager.flavour}@${version}\0node${process.versions.node.split('.')[0]}\0${process.platform}-${process.arch}\0`,
  );
  for (const f of localFiles) hash.update(`file:${f.rel}\0${f.identity}\0`);
  for (const [name, content] of inputs.sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  const key = hash.digest('hex').slice(0, 32);
  const folder = join(opts.cacheDir, 'deps', key);
  const yarnrc = inputs.find(([n]) => n === '.yarnrc.yml')?.[1].toString('utf8');
  const command = installCommands(manager, yarnrc === undefined ? {} : { yarnrc }).prodInstall;

  const manifest = await readManifest(folder);
  return {
    key,
    folder,
    manager,
    version,
    command,
    inputs,
    localFiles,
    ...(manifest ? { cached: { ...manifest, folder, manager, reused: true } } : {}),
  };
}

/**
 * Production dependencies of the app in `appDir` (which holds package.json), from the cache or
 * installed into it. Undefined when package.json declares no dependencies at all.
 */
export async function ensureDependencies(
  opts: DependencyOptions,
): Promise<InstalledDependencies | undefined> {
  const plan = await planDependencies(opts);
  if (!plan) return undefined;
  if (plan.cached) return plan.cached;
  const { key, folder, manager, version, command, inputs, localFiles } = plan;
  const env = { ...(opts.env ?? process.env) };
  opts.onOutput?.(`installing production dependencies (${manager.name} ${version}): ${command}\n`);
  const tmp = `${folder}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  // Relative `file:` paths resolve from the install folder as from the app's (local-files.ts).
  const { installDir, links } = mirroredLayout(tmp, localFiles);
  await mkdir(installDir, { recursive: true });
  try {
    for (const [name, content] of inputs) {
      await mkdir(dirname(join(installDir, name)), { recursive: true });
      await writeFile(join(installDir, name), content);
    }
    for (const { at, to } of links) {
      await mkdir(dirname(at), { recursive: true });
      await symlink(to, at);
    }
    await runBuild({
      command,
      cwd: installDir,
      env: { ...env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', npm_config_update_notifier: 'false' },
      label: 'dependency install',
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
    const modules = join(tmp, 'node_modules');
    if (existsSync(join(installDir, 'node_modules'))) await rename(join(installDir, 'node_modules'), modules);
    else await mkdir(modules);
    // Only node_modules is kept: the lockfile and settings are in the key already.
    await rm(join(tmp, 'mirror'), { recursive: true, force: true });
    const entries = await walkTree(modules);
    const treeDigest = await digestTree(modules, entries);
    const manifest: Manifest = { key, treeDigest, entries, command };
    await writeFile(join(tmp, 'manifest.json'), JSON.stringify(manifest));
    try {
      await rename(tmp, folder);
    } catch (err) {
      // Another build installed the same key first: use theirs.
      if (!(await readManifest(folder))) throw err;
    }
    return { ...manifest, folder, manager, reused: false };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readManifest(folder: string): Promise<Manifest | undefined> {
  try {
    const m = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as Manifest;
    return (await stat(join(folder, 'node_modules'))).isDirectory() ? m : undefined;
  } catch {
    return undefined; // not cached yet (or a half-written entry, which is installed again)
  }
}

/**
 * The version that will run: the declared one (Corepack runs exactly it), else what the program on
 * PATH says — remembered in the cache by the program's real path, size and mtime, because asking
 * (`npm --version`) costs a process start on every deploy. A missing program is an error saying
 * how to get it.
 */
async function managerVersion(
  pm: PackageManager,
  cwd: string,
  env: NodeJS.ProcessEnv,
  cacheDir: string,
): Promise<string> {
  if (pm.version) return pm.version;
  const PATH = `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
  const missing = (why: string) =>
    new ArtifactFolderError(
      `${join(cwd, pm.lockfile ?? 'package.json')} needs ${pm.name}, which cannot run here (${why}): install it (corepack enable ${pm.name}), or declare it in package.json ("packageManager": "${pm.name}@<version>") with Corepack enabled`,
    );
  const exe = PATH.split(delimiter)
    .filter(Boolean)
    .map((d) => join(d, pm.name))
    .find((f) => existsSync(f));
  if (!exe) throw missing(`not found on PATH`);
  const real = await realpath(exe);
  const info = await stat(real);
  const id = `${pm.name} ${real} ${info.size} ${info.mtimeMs}`;
  const file = join(cacheDir, 'versions.json');
  const known = (await readFile(file, 'utf8').then(JSON.parse, () => ({}))) as Record<string, string>;
  if (known[id]) return known[id];
  let version: string;
  try {
    version = execFileSync(exe, ['--version'], { cwd, env: { ...env, PATH }, encoding: 'utf8' }).trim();
  } catch (err) {
    throw missing((err as Error).message.split('\n')[0] ?? 'it failed');
  }
  await mkdir(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}`;
  await writeFile(tmp, JSON.stringify({ ...known, [id]: version }));
  await rename(tmp, file);
  return version;
}
