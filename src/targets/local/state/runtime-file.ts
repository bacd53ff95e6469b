/**
 * `runtime/<env>/<release>.json`: what the daemon started a release with, read back to restore it.
 * The file is parsed with its schema; when it is missing or damaged the same settings are rebuilt
 * from the release's ledger record (its stored configuration, the way the CLI made them), the
 * damaged bytes go to the sidecar, and routing of the last good release is restored all the same.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readStoredConfig, releaseModel } from '../../../config/index.ts';
import type { ReleaseRecord } from '../../../engine/target.ts';
import { proxyOf, runtimeOf } from '../from-config.ts';
import type { ProxySettings, RevisionRuntime } from '../runtime.ts';
import type { StatePaths } from './paths.ts';
import { quarantine } from './quarantine.ts';
import { readJsonFile, runtimeFile } from './schemas.ts';

export interface SavedRuntime {
  runtime: RevisionRuntime;
  proxy: ProxySettings;
  /** Set when the file could not be used and the settings were rebuilt: why. */
  rebuilt?: string;
}

export async function readRuntime(
  paths: StatePaths,
  env: string,
  record: ReleaseRecord,
  now: () => number = Date.now,
): Promise<SavedRuntime> {
  const file = paths.runtime(env, record.release);
  const read = await readJsonFile(file, runtimeFile);
  if (read.kind === 'ok') return read.value as SavedRuntime;
  const why = read.kind === 'missing' ? `${file} is missing` : `${file} is damaged (${read.problem})`;
  if (read.kind === 'damaged') {
    await quarantine(file, [{ problem: read.problem, bytes: await readFile(file) }], now());
  }
  return { ...rebuildRuntime(paths, env, record), rebuilt: `${why}: rebuilt from the ledger record` };
}

/**
 * The same for a release that may have no ledger record (an app the keeper still runs): without a
 * record, a missing or damaged file gives undefined (and `onProblem` says why).
 */
export async function readRuntimeOf(
  paths: StatePaths,
  env: string,
  release: number,
  record: ReleaseRecord | undefined,
  onProblem: (message: string) => void = () => {},
): Promise<SavedRuntime | undefined> {
  if (record) {
    const saved = await readRuntime(paths, env, record);
    if (saved.rebuilt) onProblem(saved.rebuilt);
    return saved;
  }
  const file = paths.runtime(env, release);
  const read = await readJsonFile(file, runtimeFile);
  if (read.kind === 'damaged')
    onProblem(
      `${file} is damaged (${read.problem}) and release ${release} has no ledger record to rebuild it from`,
    );
  return read.kind === 'ok' ? (read.value as SavedRuntime) : undefined;
}

/** The runtime settings of a recorded release, from its stored configuration (as the CLI builds them). */
export function rebuildRuntime(
  paths: StatePaths,
  env: string,
  record: ReleaseRecord,
): { runtime: RevisionRuntime; proxy: ProxySettings } {
  const config = readStoredConfig(record.config, `release ${record.release} of ${env}`);
  const local = releaseModel(config, env).local;
  if (!local) throw new Error(`release ${record.release} of ${env} was not recorded for the local target`);
  // The CLI's default service folder is the state folder's parent (relative secret files).
  const runtime = runtimeOf(local, {
    release: record.release,
    digest: record.digest,
    serviceDir: dirname(paths.root),
  });
  return { runtime, proxy: proxyOf(local) };
}
