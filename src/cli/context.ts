/**
 * What every release command shares: the common options (`--config`, `--env`, `--json`,
 * `--state-dir`), opening an environment that needs a capability, and the mapping from errors and
 * outcomes to exit codes. Opening an environment itself is src/app/environment.ts (the demo uses it too).
 */
import type { Command } from 'commander';
import { type EnvironmentContext, openEnvironment } from '../app/environment.ts';
import { SlipwayError } from '../core/fault.ts';
import type { OperationOutcome } from '../engine/index.ts';
import { CAPABILITIES, type Capabilities, type Capability } from '../targets/index.ts';
import { DEFAULT_CONFIG } from './commands/config.ts';
import { CliError, ExitCode, exitCodeOfFault } from './exit.ts';

// Opening an environment is shared with the demo (src/app/); the commands import it from here.
export {
  type EnvironmentContext,
  engineDeps,
  holderName,
  type OpenOptions,
  openEnvironment,
  resolveEnvironment,
} from '../app/environment.ts';

export interface CommonOptions {
  config: string;
  env?: string;
  json?: boolean;
  stateDir?: string;
}

/** Adds the options every release command takes. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'path to slipway.yaml', DEFAULT_CONFIG)
    .option('-e, --env <name>', 'environment (default: the only one, if the file defines one)')
    .option('--json', 'machine-readable output (newline-delimited JSON)')
    .option('--state-dir <dir>', 'local target: state folder (default: .slipway beside slipway.yaml)');
}

/**
 * Opens the environment for a command that needs one capability of its target (`plan`,
 * `writeSecret`); an environment whose target kind lacks it is refused (exit 2) before its target
 * is opened — opening a local one would start the daemon for nothing.
 */
export async function openWith<C extends Capability>(
  opts: CommonOptions,
  capability: C,
  what: string,
): Promise<EnvironmentContext & { can: Required<Pick<Capabilities, C>> }> {
  const refuse = (environment: string, kind: string) =>
    new CliError(`${what}; environment ${environment} uses target ${kind}`, ExitCode.invalidInput);
  const ctx = await openEnvironment(opts, {
    beforeOpen: (resolved, where) => {
      if (!CAPABILITIES[resolved.target].includes(capability))
        throw refuse(where.environment, resolved.target);
    },
  });
  const fn = ctx.opened.capabilities[capability];
  if (!fn) throw refuse(ctx.environment, ctx.opened.kind);
  return { ...ctx, can: { [capability]: fn } as Required<Pick<Capabilities, C>> };
}

export function exitCodeFor(outcome: Pick<OperationOutcome, 'kind'>): number {
  switch (outcome.kind) {
    case 'promoted':
      return ExitCode.ok;
    case 'rolled-back':
    case 'aborted':
      return ExitCode.rolledBack;
    case 'failed':
      return ExitCode.failed;
  }
}

/**
 * Turns a fault a user can act on (any `SlipwayError`: config, engine, target) into the CLI's
 * error with its message and exit code; anything else stays an internal error.
 */
export function toCliError(err: unknown): unknown {
  if (err instanceof CliError) return err;
  if (err instanceof SlipwayError) return new CliError(err.summary, exitCodeOfFault(err));
  return err;
}

/** Runs `fn`, converting known errors (see `toCliError`). */
export async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCliError(err);
  }
}

/** Parses a whole number option, or exits 2 naming the flag and the bad value. */
export function wholeNumber(flag: string, min = 0): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min) {
      throw new CliError(
        `${flag} must be a whole number >= ${min}, got ${JSON.stringify(value)}`,
        ExitCode.invalidInput,
      );
    }
    return n;
  };
}
