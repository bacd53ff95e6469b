/**
 * Packing a built folder into the immutable artifact store: `<state>/artifacts/sha256-<hex>/`.
 * The digest covers the sorted relative paths, the executable bit and the contents of every
 * file, plus the digest of the production `node_modules` installed for it (dependencies.ts), so
 * the same app and lockfile always get the same digest and an existing digest is reused as is
 * (promotion to another environment never rebuilds). `.git`, `.slipway` and the folder's own
 * `node_modules` are left out: the artifact's `node_modules` is the installed one, hard-linked.
 *
 * Node resolves a package it cannot find in the artifact's `node_modules` by walking up the
 * folders above it. So the store must not sit inside a Node project, or a devDependency of the
 * checkout would be found at run time: when the state folder is inside one (the default
 * `.slipway/` beside package.json), `<state>/artifacts` is created as a symbolic link to a store
 * in the user's cache (`<cache>/stores/<hash of the state folder>/artifacts`).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fsyncDir } from '../state/atomic.ts';
import type { StatePaths } from '../state/paths.ts';
import { ensurePrivateFolder } from '../state/permissions.ts';
import type { InstalledDependencies } from './dependencies.ts';
import { defaultCacheDir } from './dependencies.ts';
import { ArtifactFolderError } from './errors.ts';
import { linkTree } from './tree.ts';

export const EXCLUDED = new Set(['.git', '.slipway', 'node_modules']);

export { ArtifactFolderError };

interface Entry {
  rel: string;
  abs: string;
  executable: boolean;
}

/** Every regular file under `root` except the excluded folders, sorted by relative path. */
export async function listFiles(root: string): Promise<Entry[]> {
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new ArtifactFolderError(
      `artifact folder ${root} does not exist${st ? ' (it is not a folder)' : ''}: check artifact.local.path in slipway.yaml, or that the build command creates it`,
    );
  }
  const out: Entry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      if (EXCLUDED.has(name)) continue;
      const abs = join(dir, name);
      const info = await lstat(abs);
      if (info.isDirectory()) await walk(abs);
      else if (info.isFile()) {
        out.push({
          rel: relative(root, abs).split(sep).join('/'),
          abs,
          executable: (info.mode & 0o111) !== 0,
        });
      } else {
        throw new ArtifactFolderError(
          `${abs} is not a regular file or folder (a symlink?): a local artifact must contain plain files; copy the target instead`,
        );
      }
    }
  };
  await walk(root);
  out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  if (out.length === 0) throw new ArtifactFolderError(`artifact folder ${root} is empty: nothing to deploy`);
  return out;
}

/**
 * `sha256:<hex>` over the sorted file list, each file's executable bit and its contents, and the
 * installed dependencies' tree digest when there are any.
 */
export async function digestFolder(root: string, dependencies?: InstalledDependencies): Promise<string> {
  const hash = createHash('sha256');
  for (const f of await listFiles(root)) {
    const content = await readFile(f.abs);
    hash.update(`${f.rel}\0${f.executable ? 'x' : '-'}\0${content.length}\0`);
    hash.update(content);
  }
  if (dependencies) hash.update(`node_modules\0${dependencies.treeDigest}\0`);
  return `sha256:${hash.digest('hex')}`;
}

export interface PackedArtifact {
  digest: string;
  folder: string;
  /** False when the digest was already in the store and nothing was copied. */
  created: boolean;
}

export interface PackOptions {
  /** Production dependencies to link in as the artifact's `node_modules`. */
  dependencies?: InstalledDependencies;
  /** Where the store goes when the state folder is inside a Node project (default: the user cache). */
  cacheDir?: string;
}

/** Copies `root` into the store under its digest (once), then makes the copy read-only. */
export async function packFolder(
  root: string,
  paths: StatePaths,
  opts: PackOptions = {},
): Promise<PackedArtifact> {
  const files = await listFiles(root);
  const digest = await digestFolder(root, opts.dependencies);
  const folder = paths.artifact(digest);
  if (await stat(folder).catch(() => undefined)) return { digest, folder, created: false };
  // The state folder is created private (0700) whoever creates it first.
  ensurePrivateFolder(paths.root);
  await ensureStore(paths, opts.cacheDir ?? defaultCacheDir());
  const tmp = `${folder}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  const dirs = new Set<string>([tmp]);
  for (const f of files) {
    const dest = join(tmp, ...f.rel.split('/'));
    const parent = join(dest, '..');
    await mkdir(parent, { recursive: true });
    for (let d = parent; d.startsWith(tmp) && !dirs.has(d); d = join(d, '..')) dirs.add(d);
    await copyFile(f.abs, dest);
    await chmod(dest, f.executable ? 0o555 : 0o444);
  }
  if (opts.dependencies) {
    const modules = join(tmp, 'node_modules');
    await linkTree(join(opts.dependencies.folder, 'node_modules'), modules, opts.dependencies.entries);
    for (const e of opts.dependencies.entries)
      if (e.kind === 'dir') dirs.add(join(modules, ...e.rel.split('/')));
    dirs.add(modules);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) await chmod(d, 0o555);
  try {
    await rename(tmp, folder);
  } catch (err) {
    // Another packer won the race with identical content: keep theirs.
    await makeWritable(tmp);
    await rm(tmp, { recursive: true, force: true });
    if (!(await stat(folder).catch(() => undefined))) throw err;
    return { digest, folder, created: false };
  }
  await fsyncDir(paths.artifacts);
  return { digest, folder, created: true };
}

/**
 * Creates `<state>/artifacts`: a plain folder, or a link to a store in the cache when any folder
 * above the state folder holds package.json or node_modules (see the header). Once created, the
 * choice stays: the daemon finds artifacts by the same path either way.
 */
export async function ensureStore(paths: StatePaths, cacheDir: string): Promise<void> {
  if (await lstat(paths.artifacts).catch(() => undefined)) return;
  if (insideNodeProject(paths.root)) {
    const id = createHash('sha256').update(paths.root).digest('hex').slice(0, 16);
    const store = join(cacheDir, 'stores', id, 'artifacts');
    await mkdir(store, { recursive: true, mode: 0o700 });
    try {
      await symlink(store, paths.artifacts);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } else await mkdir(paths.artifacts, { recursive: true });
}

function insideNodeProject(dir: string): boolean {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) || existsSync(join(d, 'node_modules'))) return true;
    if (dirname(d) === d) return false;
  }
}

/**
 * The `node_modules` folders Node would search from inside `folder` after the artifact's own: any
 * of them is a place where a package missing from the artifact would be found at run time.
 */
export async function nodeModulesAbove(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (let d = dirname(await realpath(folder)); ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) found.push(join(d, 'node_modules'));
    if (dirname(d) === d) return found;
  }
}

/** Undoes the read-only bits so a folder can be deleted (tests, `slipway local prune`). */
export async function makeWritable(root: string): Promise<void> {
  const info = await lstat(root).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) {
    await chmod(root, 0o755);
    for (const name of await readdir(root)) await makeWritable(join(root, name));
  } else if (info.isFile()) await chmod(root, 0o644);
}
