/** Reads a notification credential from where its reference points (the environment or a dotenv file). */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseEnv } from 'node:util';
import type { CredentialRef } from '../config/schema/notifications.ts';

export interface CredentialContext {
  environment: string;
  /** Folder of slipway.yaml: relative files are resolved from it. */
  serviceDir: string;
  processEnv: NodeJS.ProcessEnv;
}

/** The value, or an error message naming the reference and the fix. */
export async function readCredential(
  ref: CredentialRef,
  where: string,
  ctx: CredentialContext,
): Promise<{ value: string } | { error: string }> {
  if (ref.source === 'env') {
    const value = ctx.processEnv[ref.key];
    return value
      ? { value }
      : {
          error: `${where}: environment variable ${ref.key} is not set in the deploying shell: export it (in Actions, from a secret)`,
        };
  }
  const rel = ref.path ?? join('.slipway', `secrets.${ctx.environment}.env`);
  const file = isAbsolute(rel) ? rel : join(ctx.serviceDir, rel);
  let values: Record<string, string | undefined>;
  try {
    values = parseEnv(await readFile(file, 'utf8'));
  } catch (err) {
    return { error: `${where}: cannot read ${file}: ${(err as Error).message}` };
  }
  const value = values[ref.key];
  return value ? { value } : { error: `${where}: ${file} has no key ${ref.key}: add ${ref.key}=… to it` };
}
