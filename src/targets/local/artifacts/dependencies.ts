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
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
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

/**
 * Production dependencies of the app in `appDir` (which holds package.json), from the cache or
 * installed into it. Undefined when package.json declares no dependencies at all.
 */
export async function ensureDependencies(opts: {
  appDir: string;
  cacheDir: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (chunk: string) => void;
}): Promise<InstalledDependencies | undefined> {
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
  const hash = createHash('sha256');
  hash.update(
    `${manager.flavour}@${version}\0node${process.versions.node.split('.')[0]}\0${process.platform}-${process.arch}\0`,
  );
  for (const [name, content] of inputs.sort(([a], [b]) => (a < b ? -1 : 1))) {
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  const key = hash.digest('hex').slice(0, 32);
  const folder = join(opts.cacheDir, 'deps', key);
  const yarnrc = inputs.find(([n]) => n === '.yarnrc.yml')?.[1].toString('utf8');
  const command = installCommands(manager, yarnrc === undefined ? {} : { yarnrc }).prodInstall;

  const cached = await readManifest(folder);
  if (cached) return { ...cached, folder, manager, reused: true };

  opts.onOutput?.(`installing production dependencies (${manager.name} ${version}): ${command}\n`);
  const tmp = `${folder}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(tmp, { recursive: true });
  try {
    for (const [name, content] of inputs) {
      await mkdir(dirname(join(tmp, name)), { recursive: true });
      await writeFile(join(tmp, name), content);
    }
    await runBuild({
      command,
      cwd: tmp,
      env: { ...env, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0', npm_config_update_notifier: 'false' },
      label: 'dependency install',
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
    const modules = join(tmp, 'node_modules');
    if (!existsSync(modules)) await mkdir(modules);
    const entries = await walkTree(modules);
    const treeDigest = await digestTree(modules, entries);
    // Only node_modules is kept: the lockfile and settings are in the key already.
    for (const [name] of inputs)
      await rm(join(tmp, name.split('/')[0] as string), { recursive: true, force: true });
    await rm(join(tmp, '.yarn'), { recursive: true, force: true });
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
