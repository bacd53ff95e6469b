/**
 * Secret values for instances, resolved from references when an instance starts:
 * - `source: file` — a dotenv file (default `<state>/secrets.<env>.env`), re-read on every start
 *   so edits apply;
 * - `source: env` — the deployer's environment: the value the CLI forwarded with the request, else
 *   the value the release started with (the daemon's 0600 store, `state/secret-store.ts`: what a
 *   restart has), else the daemon's own environment.
 * Values are never logged (instance logs are redacted, `redact.ts`) or returned by the API.
 */
import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { SlipwayError } from '../../../core/fault.ts';
import type { SecretRef } from '../runtime.ts';

export class MissingSecretError extends SlipwayError {
  readonly secret: string;
  constructor(ref: SecretRef, environment: string, where: string) {
    super(
      `secret ${ref.name} for environment ${environment} was not found: looked for ${where}; add it there`,
      'invalid-input',
    );
    this.name = 'MissingSecretError';
    this.secret = ref.name;
  }
}

export async function readSecretsFile(file: string): Promise<Record<string, string>> {
  try {
    return parseEnv(await readFile(file, 'utf8')) as Record<string, string>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read the secrets file ${file}: ${(err as Error).message}`);
  }
}

export interface SecretSources {
  environment: string;
  /** The default dotenv file for `source: file` references without their own path. */
  defaultFile: string;
  /** `source: env` values the CLI read from its own environment. */
  provided?: Record<string, string>;
  processEnv?: NodeJS.ProcessEnv;
}

export async function resolveSecrets(refs: SecretRef[], src: SecretSources): Promise<Record<string, string>> {
  const files = new Map<string, Record<string, string>>();
  const out: Record<string, string> = {};
  for (const ref of refs) {
    let value: string | undefined;
    let where: string;
    if (ref.source === 'file') {
      const file = ref.file ?? src.defaultFile;
      if (!files.has(file)) files.set(file, await readSecretsFile(file));
      value = files.get(file)?.[ref.key];
      where = `key ${ref.key} in ${file}`;
    } else {
      value = src.provided?.[ref.key] ?? (src.processEnv ?? process.env)[ref.key];
      where = `the environment variable ${ref.key} of the deploying process`;
    }
    if (value !== undefined) out[ref.name] = value;
    else if (!ref.optional) throw new MissingSecretError(ref, src.environment, where);
  }
  return out;
}

/** What the CLI forwards: values of its `source: env` references present in its own environment. */
export function secretsFromEnv(
  refs: SecretRef[],
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ref of refs) {
    const v = env[ref.key];
    if (ref.source === 'env' && v !== undefined) out[ref.key] = v;
  }
  return out;
}
