/**
 * The staging copy the local build works on: the files the app would ship, copied out of the
 * user's checkout into a fresh temp folder, so a build (or an install) never writes there.
 *
 * Which files: in a git work tree, `git ls-files --cached --others --exclude-standard` (tracked
 * and new files, minus what .gitignore excludes: the working copy as the user sees it, committed
 * or not); outside git, the files `npm pack` would put in the app's package plus its lockfile and
 * package-manager settings (which npm pack leaves out); with neither (no
 * package.json), every file. Always left out: `.git`, `node_modules`, the state folder `.slipway/`
 * and Slipway's own config (`slipway.yaml`, `slipway.yml`, `slipway.<name>.yaml`): the artifact's
 * digest covers what the app runs, so editing the deploy config does not make a new artifact.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { INSTALL_INPUTS } from '../../../package-manager/commands.ts';
import { ArtifactFolderError } from './errors.ts';
import { walkTree } from './tree.ts';

const run = promisify(execFile);

export type FileSource = 'git' | 'npm pack' | 'folder';
const SKIPPED_SEGMENTS = new Set(['.git', 'node_modules', '.slipway']);
const SLIPWAY_CONFIG = /^slipway(\.[\w-]+)?\.ya?ml$/;

/** Is this relative path (forward slashes) left out of every artifact? */
export function isExcluded(rel: string, configFile?: string): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => SKIPPED_SEGMENTS.has(p))) return true;
  return parts.length === 1 && (SLIPWAY_CONFIG.test(rel) || rel === configFile);
}

/** The files of `serviceDir` the app ships, relative, sorted, and where the list came from. */
export async function shippedFiles(
  serviceDir: string,
  configFile?: string,
): Promise<{ files: string[]; source: FileSource }> {
  const listed = (await gitFiles(serviceDir)) ?? (await packFiles(serviceDir));
  const { source, files } = listed ?? {
    source: 'folder' as const,
    files: (await walkTree(serviceDir).catch(() => [])).filter((e) => e.kind === 'file').map((e) => e.rel),
  };
  // npm pack never packs lockfiles or .npmrc; the artifact's install needs them.
  const inputs = source === 'npm pack' ? INSTALL_INPUTS.filter((f) => existsSync(join(serviceDir, f))) : [];
  const kept: string[] = [];
  for (const rel of [...new Set([...files, ...inputs])].sort()) {
    if (isExcluded(rel, configFile)) continue;
    const info = await lstat(join(serviceDir, rel)).catch(() => undefined);
    if (!info) continue; // tracked but deleted in the working copy: not shipped
    if (info.isSymbolicLink()) {
      throw new ArtifactFolderError(
        `${join(serviceDir, rel)} is a symbolic link: a local artifact holds plain files; copy its target instead`,
      );
    }
    if (info.isFile()) kept.push(rel);
  }
  return { files: kept, source };
}

async function gitFiles(dir: string): Promise<{ files: string[]; source: FileSource } | undefined> {
  try {
    const { stdout } = await run(
      'git',
      ['-C', dir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.'],
      { maxBuffer: 256 * 1024 * 1024 },
    );
    return { files: stdout.split('\0').filter(Boolean), source: 'git' };
  } catch {
    return undefined; // not a git work tree, or no git: the next way of listing applies
  }
}

async function packFiles(dir: string): Promise<{ files: string[]; source: FileSource } | undefined> {
  if (!existsSync(join(dir, 'package.json'))) return undefined;
  try {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      maxBuffer: 256 * 1024 * 1024,
    });
    const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    return { files: report.files.map((f) => f.path), source: 'npm pack' };
  } catch (err) {
    throw new ArtifactFolderError(
      `cannot list the files of ${dir} with npm pack (it is not a git work tree): ${((err as { stderr?: string }).stderr || (err as Error).message).trim().split('\n').slice(-3).join(' ')}; fix package.json or make the folder a git repository`,
    );
  }
}

/** Copies `files` of `serviceDir` into a new temp folder; returns it (the caller removes it). */
export async function stage(serviceDir: string, files: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `slipway-stage-${basename(serviceDir)}-`));
  for (const rel of files) {
    const dest = join(dir, ...rel.split('/'));
    await mkdir(join(dest, '..'), { recursive: true });
    await copyFile(join(serviceDir, rel), dest);
  }
  return dir;
}
