/**
 * The resolved configuration as a release record stores it (secret references only, never values),
 * versioned and parsed on read: a target that runs an older release again reads its configuration
 * through the same schema that validated it, never by cast. Records written before the version was
 * added hold the bare resolved document; they read as version 1.
 */
import { formatPath, translateIssues } from './problems.ts';
import { ConfigError } from './report.ts';
import { type ResolvedConfig, resolvedSchema } from './schema/index.ts';

export const STORED_CONFIG_VERSION = 1;

export interface StoredConfig {
  version: typeof STORED_CONFIG_VERSION;
  resolved: ResolvedConfig;
}

export function storeConfig(resolved: ResolvedConfig): StoredConfig {
  return { version: STORED_CONFIG_VERSION, resolved };
}

/**
 * The stored configuration of a release, parsed. Throws `ConfigError` (named after `where`, e.g.
 * `release 3 of production`) listing every problem when it is not a configuration this version
 * can run.
 */
export function readStoredConfig(raw: unknown, where: string): ResolvedConfig {
  const versioned = raw !== null && typeof raw === 'object' && 'version' in raw;
  const version = versioned ? (raw as { version: unknown }).version : STORED_CONFIG_VERSION;
  if (version !== STORED_CONFIG_VERSION) {
    throw new ConfigError(`the stored configuration of ${where}`, [
      {
        path: 'version',
        message: 'is not a stored configuration version this slipway reads',
        value: version,
        expected: String(STORED_CONFIG_VERSION),
        hint: 'run the release with the slipway that recorded it, or deploy it again',
      },
    ]);
  }
  const resolved = versioned ? (raw as { resolved?: unknown }).resolved : raw;
  const parsed = resolvedSchema.safeParse(resolved);
  if (parsed.success) return parsed.data;
  const problems = translateIssues(resolvedSchema, parsed.error.issues).map(({ atKey: _, ...p }) => ({
    ...p,
    path: formatPath(['resolved', ...p.path]),
  }));
  throw new ConfigError(`the stored configuration of ${where}`, problems);
}
