/**
 * `slipway secrets set --env E NAME [--key K] [--from-file F]`: creates or updates one key of the
 * Secret NAME in the environment's namespace, the value read from stdin or a file. The value is
 * never printed, logged or written anywhere else; only the key is merged (other keys stay).
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { type CommonOptions, openWith, withCommonOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface SecretsOptions extends CommonOptions {
  key?: string;
  fromFile?: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

async function readStdin(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    throw new CliError(
      'pipe the secret value on stdin or pass --from-file FILE (it is never taken as an argument)',
      ExitCode.invalidInput,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The key to write: `--key`, else the only key the config references in that Secret. */
function keyFor(name: string, options: SecretsOptions, secrets: Record<string, unknown>): string {
  if (options.key) return options.key;
  const keys = Object.values(secrets)
    .map((r) => r as { source?: string; name?: string; key?: string })
    .filter((r) => r.source === 'kubernetes-secret' && r.name === name && r.key)
    .map((r) => r.key as string);
  if (keys.length === 1) return keys[0] as string;
  throw new CliError(
    `Secret ${name}: ${keys.length === 0 ? 'no secret reference in the config names it' : `the config uses several keys of it (${keys.join(', ')})`}; say which with --key`,
    ExitCode.invalidInput,
  );
}

export function register(program: Command): void {
  const secrets = program
    .command('secrets')
    .description('manage the Secrets a kubernetes environment refers to');
  const set = secrets
    .command('set <name>')
    .description('create or update one key of a Secret from stdin or a file (the value is never echoed)')
    .option('--key <key>', 'key inside the Secret (default: the one the config refers to)')
    .option('--from-file <file>', 'read the value from this file instead of stdin');
  withCommonOptions(set).action(async (name: string, options: SecretsOptions) => {
    if (!NAME.test(name) || name.length > 253) {
      throw new CliError(
        `"${name}" is not a valid Secret name (lowercase letters, digits, '-' and '.')`,
        ExitCode.invalidInput,
      );
    }
    const ctx = await openWith(options, 'writeSecret', 'slipway secrets set writes Kubernetes Secrets');
    const key = keyFor(name, options, ctx.resolved.secrets ?? {});
    if (!KEY.test(key))
      throw new CliError(
        `--key "${key}" may only hold letters, digits, '-', '_' and '.'`,
        ExitCode.invalidInput,
      );
    const value = options.fromFile
      ? await readFile(options.fromFile).catch((err: NodeJS.ErrnoException) => {
          throw new CliError(
            `cannot read --from-file ${options.fromFile}: ${err.code ?? err.message}`,
            ExitCode.invalidInput,
          );
        })
      : await readStdin();
    const written = await ctx.can.writeSecret(name, key, value);
    process.stdout.write(
      `${written.created ? 'created' : 'updated'} ${written.where} key ${key} (${value.length} bytes)\n`,
    );
  });
}
