/**
 * An installed `node_modules` tree as data: its entries (folders, files, symbolic links), a digest
 * of all of them, and a copy made of hard links. Package managers use relative symbolic links
 * (`.bin/*`, pnpm's `.pnpm` store), so links are kept, but only those that stay inside the tree:
 * one pointing out of it would make the artifact depend on the machine it was built on.
 */
import { createHash } from 'node:crypto';
import { chmod, copyFile, link, lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ArtifactFolderError } from './errors.ts';

export type TreeEntry =
  | { kind: 'dir'; rel: string }
  | { kind: 'file'; rel: string; executable: boolean }
  | { kind: 'link'; rel: string; target: string };

/** Every entry under `root`, sorted by relative path (parents before children). */
export async function walkTree(root: string): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const abs = join(dir, name);
      const rel = relative(root, abs).split(sep).join('/');
      const info = await lstat(abs);
      if (info.isDirectory()) {
        out.push({ kind: 'dir', rel });
        await walk(abs);
      } else if (info.isFile()) out.push({ kind: 'file', rel, executable: (info.mode & 0o111) !== 0 });
      else if (info.isSymbolicLink()) {
        const target = await readlink(abs);
        const landing = resolve(dirname(abs), target);
        if (target.startsWith('/') || !`${landing}${sep}`.startsWith(`${resolve(root)}${sep}`)) {
          throw new ArtifactFolderError(
            `${abs} links to ${target}, outside ${root}: an artifact's node_modules must be self-contained (reinstall without linking to folders elsewhere)`,
          );
        }
        out.push({ kind: 'link', rel, target });
      }
    }
  };
  await walk(root);
  return out;
}

/** `sha256:<hex>` over every entry: paths, kinds, executable bits, link targets, file contents. */
export async function digestTree(root: string, entries: TreeEntry[]): Promise<string> {
  const hash = createHash('sha256');
  for (const e of entries) {
    if (e.kind === 'dir') hash.update(`d\0${e.rel}\0`);
    else if (e.kind === 'link') hash.update(`l\0${e.rel}\0${e.target}\0`);
    else {
      const content = await readFile(join(root, ...e.rel.split('/')));
      hash.update(`f\0${e.rel}\0${e.executable ? 'x' : '-'}\0${content.length}\0`);
      hash.update(content);
    }
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Recreates `entries` of `from` under `to`: hard links where both are on one file system (no
 * bytes copied), copies otherwise. Files are made read-only first: a hard link shares the file,
 * so the cache and every artifact built from it stay unchangeable together.
 */
export async function linkTree(from: string, to: string, entries: TreeEntry[]): Promise<void> {
  await mkdir(to, { recursive: true });
  let canLink = true;
  for (const e of entries) {
    const src = join(from, ...e.rel.split('/'));
    const dest = join(to, ...e.rel.split('/'));
    if (e.kind === 'dir') await mkdir(dest);
    else if (e.kind === 'link') await symlink(e.target, dest);
    else {
      await chmod(src, e.executable ? 0o555 : 0o444);
      if (canLink) {
        try {
          await link(src, dest);
          continue;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
          canLink = false; // another file system: copy from now on
        }
      }
      await copyFile(src, dest);
      await chmod(dest, e.executable ? 0o555 : 0o444);
    }
  }
}
