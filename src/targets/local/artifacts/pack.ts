/**
 * Packing a built folder into the immutable artifact store: `<state>/artifacts/sha256-<hex>/`.
 * The digest covers the sorted relative paths, the executable bit and the contents of every
 * file, so the same folder always gets the same digest and an existing digest is reused as is
 * (promotion to another environment never rebuilds). `.git`, `.slipway` and `node_modules` are
 * left out: a local artifact must be self-contained (bundle dependencies, see docs/local-target.md).
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SlipwayError } from '../../../core/fault.ts';
import { fsyncDir } from '../state/atomic.ts';
import type { StatePaths } from '../state/paths.ts';
import { ensurePrivateFolder } from '../state/permissions.ts';

export const EXCLUDED = new Set(['.git', '.slipway', 'node_modules']);

export class ArtifactFolderError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'ArtifactFolderError';
  }
}

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

/** `sha256:<hex>` over the sorted file list, each file's executable bit and its contents. */
export async function digestFolder(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const f of await listFiles(root)) {
    const content = await readFile(f.abs);
    hash.update(`${f.rel}\0${f.executable ? 'x' : '-'}\0${content.length}\0`);
    hash.update(content);
  }
  return `sha256:${hash.digest('hex')}`;
}

export interface PackedArtifact {
  digest: string;
  folder: string;
  /** False when the digest was already in the store and nothing was copied. */
  created: boolean;
}

/** Copies `root` into the store under its digest (once), then makes the copy read-only. */
export async function packFolder(root: string, paths: StatePaths): Promise<PackedArtifact> {
  const files = await listFiles(root);
  const digest = await digestFolder(root);
  const folder = paths.artifact(digest);
  if (await stat(folder).catch(() => undefined)) return { digest, folder, created: false };
  // The state folder is created private (0700) whoever creates it first.
  ensurePrivateFolder(paths.root);
  await mkdir(paths.artifacts, { recursive: true });
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

/** Undoes the read-only bits so a folder can be deleted (tests, `slipway local prune`). */
export async function makeWritable(root: string): Promise<void> {
  const info = await lstat(root).catch(() => undefined);
  if (!info) return;
  if (info.isDirectory()) {
    await chmod(root, 0o755);
    for (const name of await readdir(root)) await makeWritable(join(root, name));
  } else if (info.isFile()) await chmod(root, 0o644);
}
