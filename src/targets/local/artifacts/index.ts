/**
 * Building a local artifact in one call, as `slipway deploy` does on the local target:
 *
 * 1. stage: copy the files the app ships into a temp folder (stage.ts), never touching the checkout;
 * 2. build: run `artifact.local.build` there, if any, with the checkout's installed packages
 *    visible through a `node_modules` link (build tools are devDependencies);
 * 3. dependencies: when the packed folder has a package.json with dependencies, its production
 *    `node_modules` come from the dependency cache, installed once per lockfile (dependencies.ts);
 * 4. pack: copy into the store under the content digest (pack.ts), node_modules as hard links.
 */
import { existsSync } from 'node:fs';
import { rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { StatePaths } from '../state/paths.ts';
import { runBuild } from './build.ts';
import { planBuild } from './build-command.ts';
import { defaultCacheDir, ensureDependencies, type InstalledDependencies } from './dependencies.ts';
import { ArtifactFolderError } from './errors.ts';
import { nodeModulesAbove, type PackedArtifact, packFolder } from './pack.ts';
import { type FileSource, shippedFiles, stage } from './stage.ts';

export { BuildFailedError, runBuild } from './build.ts';
export { defaultCacheDir, ensureDependencies, type InstalledDependencies } from './dependencies.ts';
export {
  ArtifactFolderError,
  digestFolder,
  makeWritable,
  nodeModulesAbove,
  type PackedArtifact,
  packFolder,
} from './pack.ts';
export { isExcluded, shippedFiles } from './stage.ts';

export interface LocalArtifactSpec {
  /** Shell command run in the staging copy before packing. */
  build?: string;
  /** Folder to pack, relative to the service folder. */
  path: string;
}

export interface BuildArtifactOptions {
  /** The folder holding slipway.yaml. */
  serviceDir: string;
  artifact: LocalArtifactSpec;
  paths: StatePaths;
  onOutput?: (chunk: string) => void;
  /** Dependency cache (default `defaultCacheDir()`: `$SLIPWAY_CACHE_DIR`, XDG cache, ~/.cache/slipway). */
  cacheDir?: string;
  /** The config file's name, left out of the artifact like `slipway.yaml` (when it is named otherwise). */
  configFile?: string;
  /** Environment of the build and install commands (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface BuiltArtifact extends PackedArtifact {
  /** How the shipped files were listed. */
  source: FileSource;
  files: number;
  /** The production dependencies linked in, if any (`reused`: no install ran). */
  dependencies?: Pick<InstalledDependencies, 'key' | 'reused' | 'command'> & { manager: string };
}

export async function buildArtifact(opts: BuildArtifactOptions): Promise<BuiltArtifact> {
  const serviceDir = resolve(opts.serviceDir);
  const say = (line: string) => opts.onOutput?.(`${line}\n`);
  const { files, source } = await shippedFiles(serviceDir, opts.configFile && basename(opts.configFile));
  const staged = await stage(serviceDir, files);
  try {
    say(`staged ${files.length} files of ${serviceDir} (listed by ${source}) in ${staged}`);
    if (opts.artifact.build) await buildInStage(serviceDir, staged, opts);
    const root = resolve(staged, opts.artifact.path);
    if (root !== staged && !root.startsWith(`${staged}${sep}`)) {
      throw new ArtifactFolderError(
        `artifact.local.path ${JSON.stringify(opts.artifact.path)} leaves the service folder: give a folder inside ${serviceDir}`,
      );
    }
    if (!existsSync(root)) {
      throw new ArtifactFolderError(
        `artifact folder ${join(serviceDir, opts.artifact.path)} does not exist: check artifact.local.path in slipway.yaml, or that the build command creates it`,
      );
    }
    const cacheDir = opts.cacheDir ?? defaultCacheDir(opts.env);
    const dependencies = existsSync(join(root, 'package.json'))
      ? await ensureDependencies({
          appDir: root,
          sourceDir: resolve(serviceDir, opts.artifact.path),
          cacheDir,
          ...(opts.env ? { env: opts.env } : {}),
          ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
        })
      : undefined;
    if (dependencies?.reused) say(`production dependencies reused (lockfile unchanged): ${dependencies.key}`);
    const packed = await packFolder(root, opts.paths, {
      cacheDir,
      ...(dependencies ? { dependencies } : {}),
    });
    const leaks = await nodeModulesAbove(packed.folder);
    if (leaks.length > 0) {
      say(
        `warning: ${leaks.join(', ')} lie above the artifact ${packed.folder}: a package missing from its node_modules would be found there at run time (remove them, or move the state folder)`,
      );
    }
    return {
      ...packed,
      source,
      files: files.length,
      ...(dependencies
        ? {
            dependencies: {
              key: dependencies.key,
              reused: dependencies.reused,
              command: dependencies.command,
              manager: dependencies.manager.name,
            },
          }
        : {}),
    };
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

/**
 * Runs the build in the staging copy. The build's tools are the project's installed
 * devDependencies: the nearest `node_modules` at or above the service folder is linked in (read,
 * not written; with none, the build runs without it).
 */
async function buildInStage(serviceDir: string, staged: string, opts: BuildArtifactOptions): Promise<void> {
  const plan = planBuild(opts.artifact.build);
  for (const step of plan.dropped) {
    opts.onOutput?.(
      `skipped \`${step}\` of artifact.local.build: Slipway installs the production dependencies from your lockfile itself; remove it from slipway.yaml\n`,
    );
  }
  if (!plan.command) return;
  const installed = nearestNodeModules(serviceDir);
  const link = join(staged, 'node_modules');
  if (installed) await symlink(installed, link);
  try {
    await runBuild({
      command: plan.command,
      cwd: staged,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
  } finally {
    await rm(link, { force: true });
  }
}

function nearestNodeModules(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}
