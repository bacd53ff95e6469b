/**
 * Building and packing a local artifact in one call, as `slipway deploy` does on the local target.
 */
import { join, resolve } from 'node:path';
import type { StatePaths } from '../state/paths.ts';
import { runBuild } from './build.ts';
import { type PackedArtifact, packFolder } from './pack.ts';

export { BuildFailedError, runBuild } from './build.ts';
export { ArtifactFolderError, digestFolder, makeWritable, type PackedArtifact, packFolder } from './pack.ts';

export interface LocalArtifactSpec {
  /** Shell command run in the service folder before packing. */
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
}

/** Runs the build (if any), then packs `artifact.path` into the store; returns digest and folder. */
export async function buildArtifact(opts: BuildArtifactOptions): Promise<PackedArtifact> {
  const serviceDir = resolve(opts.serviceDir);
  if (opts.artifact.build) {
    await runBuild({
      command: opts.artifact.build,
      cwd: serviceDir,
      ...(opts.onOutput ? { onOutput: opts.onOutput } : {}),
    });
  }
  return packFolder(join(serviceDir, opts.artifact.path), opts.paths);
}
