/**
 * Dependencies on files beside the app: `"x": "file:../vendor/x-1.0.0.tgz"` (a vendored tarball,
 * or a tool installed from one, as `npm install ../slipway-0.1.0.tgz` writes). Lockfiles record
 * such a path as written, relative to the app folder, and the production install runs in the
 * dependency cache, where `../vendor/…` names nothing: Yarn 1 and pnpm then fail ("Tarball is not
 * in network", "Failed to read local tarball"; npm only passes because its cache holds the tarball
 * by integrity).
 *
 * Rewriting the paths to absolute ones is not an option: Yarn 1's `--frozen-lockfile` compares the
 * lockfile's keys with package.json's specifiers textually and refuses the edited pair. So the
 * install runs at the same relative depth instead: in a folder nested `..`-deep enough inside the
 * temporary install folder, with a symbolic link at every place a relative path lands on, pointing
 * at the real file. The lockfile and package.json stay byte for byte the user's.
 *
 * The referenced files' contents go into the dependency cache key: a rebuilt tarball with the same
 * name is installed again.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { ArtifactFolderError } from './errors.ts';

/** A `file:` (or `link:`/`portal:`) dependency given as a path relative to the app folder. */
export interface LocalFileDependency {
  /** As written in package.json, without the protocol: `../vendor/x-1.0.0.tgz`. */
  rel: string;
  /** Where it is: resolved against the app folder. */
  abs: string;
  /** `sha256:<hex>` of the file, or `dir:<abs>` for a folder (its contents are the user's to keep stable). */
  identity: string;
}

const FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'];

/** The relative local paths package.json depends on (absolute ones resolve anywhere). */
export async function localFileDependencies(
  appDir: string,
  pkg: Record<string, unknown>,
): Promise<LocalFileDependency[]> {
  const rels = new Set<string>();
  for (const field of FIELDS) {
    for (const spec of Object.values((pkg[field] as Record<string, unknown> | undefined) ?? {})) {
      if (typeof spec !== 'string') continue;
      const m = /^(?:file|link|portal):(.+)$/.exec(spec) ?? /^(\.\.?\/.+)$/.exec(spec);
      const path = m?.[1];
      if (path && !isAbsolute(path)) rels.add(normalize(path));
    }
  }
  const out: LocalFileDependency[] = [];
  for (const rel of [...rels].sort()) {
    const abs = resolve(appDir, rel);
    const info = await stat(abs).catch(() => undefined);
    if (!info) {
      throw new ArtifactFolderError(
        `${join(appDir, 'package.json')} depends on ${rel}, which does not exist (${abs}): restore the file, or change the dependency and reinstall`,
      );
    }
    const identity = info.isDirectory()
      ? `dir:${abs}`
      : `sha256:${createHash('sha256')
          .update(await readFile(abs))
          .digest('hex')}`;
    out.push({ rel, abs, identity });
  }
  return out;
}

/**
 * Where to install inside `tmp` so every relative path resolves as it does from the app folder,
 * and the links to create (`at` → `to`).
 */
export function mirroredLayout(
  tmp: string,
  deps: LocalFileDependency[],
): { installDir: string; links: { at: string; to: string }[] } {
  const depth = Math.max(0, ...deps.map((d) => d.rel.split(sep).filter((s) => s === '..').length));
  // `_` folders: a relative path climbs out of them and never names them (it names the user's
  // folders). All of it is under `mirror/`, removed after the install.
  const installDir = join(tmp, 'mirror', ...Array.from({ length: depth }, () => '_'));
  const links = deps.map((d) => ({ at: resolve(installDir, d.rel), to: d.abs }));
  return { installDir, links };
}
