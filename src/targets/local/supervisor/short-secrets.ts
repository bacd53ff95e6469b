/**
 * `slipway validate`'s check of the local secrets it can read: a value shorter than
 * `MIN_REDACTED_LENGTH` characters is not redacted from instance logs (redact.ts), so it is worth a
 * warning before the first deploy rather than in daemon.log after it. Only values known at
 * validate time are checked: `source: file` (the dotenv file, read as a deploy would) and
 * `source: env` when the variable is set in the validating shell; a `kubernetes-secret` or
 * `external-secret` lives in the cluster and is never read here. Values are never shown.
 */
import { join, resolve } from 'node:path';
import type { ConfigProblem, LoadedConfig } from '../../../config/index.ts';
import { StatePaths } from '../state/paths.ts';
import { MIN_REDACTED_LENGTH } from './redact.ts';
import { readSecretsFile } from './secrets.ts';

/** One warning per short value, naming the secret, where its value was read, and the fix. */
export async function shortSecretWarnings(
  config: LoadedConfig,
  opts: { stateDir?: string; processEnv?: NodeJS.ProcessEnv } = {},
): Promise<ConfigProblem[]> {
  const paths = new StatePaths(opts.stateDir ?? join(config.dir, '.slipway'));
  const env = opts.processEnv ?? process.env;
  const files = new Map<string, Record<string, string> | undefined>();
  const read = async (file: string) => {
    // An unreadable file is the deploy's to report (it names the file); here it is just unknown.
    if (!files.has(file)) files.set(file, await readSecretsFile(file).catch(() => undefined));
    return files.get(file);
  };
  const warnings: ConfigProblem[] = [];
  for (const [environment, resolved] of Object.entries(config.environments)) {
    if (resolved.target !== 'local') continue;
    for (const [name, ref] of Object.entries(resolved.secrets)) {
      let value: string | undefined;
      let where: string;
      if (ref.source === 'file') {
        const file = ref.path === undefined ? paths.secrets(environment) : resolve(config.dir, ref.path);
        value = (await read(file))?.[ref.key];
        where = `key ${ref.key} in ${file}`;
      } else if (ref.source === 'env') {
        value = env[ref.key];
        where = `the variable ${ref.key} in this shell`;
      } else continue;
      if (value === undefined || value.length === 0 || value.length >= MIN_REDACTED_LENGTH) continue;
      warnings.push({
        path: `environments.${environment}.secrets.${name}`,
        message: `its value (${where}) is ${value.length} character${value.length === 1 ? '' : 's'} long, too short to be redacted from instance logs (${MIN_REDACTED_LENGTH} or more are)`,
        hint: `use a value of at least ${MIN_REDACTED_LENGTH} characters, or make sure the app never prints it`,
      });
    }
  }
  return warnings;
}
