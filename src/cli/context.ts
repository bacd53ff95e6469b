/**
 * What every release command shares: the common options (`--config`, `--env`, `--json`,
 * `--state-dir`), loading and resolving the environment, opening its target through the factory,
 * the engine's dependencies, and the mapping from errors and outcomes to exit codes.
 */
import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { formatProblems, type ResolvedConfig, validateConfigFile } from '../config/index.ts';
import { SlipwayError } from '../core/fault.ts';
import { type EngineDeps, type OperationOutcome, systemClock } from '../engine/index.ts';
import { createNotifier } from '../notifications/notifier.ts';
import {
  CAPABILITIES,
  type Capabilities,
  type Capability,
  type OpenedTarget,
  openTarget,
} from '../targets/index.ts';
import { DEFAULT_CONFIG } from './commands/config.ts';
import { CliError, ExitCode, exitCodeOfFault } from './exit.ts';
import type { ProgressRenderer } from './progress/renderer.ts';

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

export interface EnvironmentContext {
  file: string;
  serviceDir: string;
  environment: string;
  resolved: ResolvedConfig;
  opened: OpenedTarget;
}

export interface OpenOptions {
  /** An in-memory change to the resolved config (the demo's version and fault knobs); files are not touched. */
  overlay?: (resolved: ResolvedConfig) => ResolvedConfig;
  processEnv?: NodeJS.ProcessEnv;
  /** Checks the resolved environment before its target is opened (a local target would start its daemon). */
  beforeOpen?: (
    resolved: ResolvedConfig,
    where: { file: string; environment: string; serviceDir: string },
  ) => void;
}

/** Loads the config (exit 2 with every problem listed when invalid), resolves the environment, opens its target. */
export async function openEnvironment(
  opts: CommonOptions,
  more: OpenOptions = {},
): Promise<EnvironmentContext> {
  const { file, serviceDir, environment, resolved } = await resolveEnvironment(opts, more);
  const opened = await guard(() =>
    openTarget(resolved, {
      environment,
      serviceDir,
      ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
      ...(more.processEnv ? { processEnv: more.processEnv } : {}),
    }),
  );
  return { file, serviceDir, environment, resolved, opened };
}

/** Loads the config and resolves the environment without opening its target (nothing is started). */
export async function resolveEnvironment(
  opts: CommonOptions,
  more: Pick<OpenOptions, 'overlay' | 'beforeOpen'> = {},
): Promise<Omit<EnvironmentContext, 'opened'>> {
  const file = opts.config;
  const result = await validateConfigFile(file, opts.env === undefined ? {} : { environment: opts.env });
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems, file)}\n`);
    const n = result.problems.length;
    throw new CliError(`${file} is invalid: ${n} problem${n === 1 ? '' : 's'}`, ExitCode.invalidInput);
  }
  const names = Object.keys(result.config.environments);
  let environment = opts.env;
  if (environment === undefined) {
    if (names.length !== 1) {
      throw new CliError(
        `${file} defines ${names.length} environments (${names.join(', ')}): choose one with --env`,
        ExitCode.invalidInput,
      );
    }
    environment = names[0] as string;
  }
  let resolved = result.config.environments[environment] as ResolvedConfig;
  if (more.overlay) resolved = more.overlay(resolved);
  more.beforeOpen?.(resolved, { file, environment, serviceDir: result.config.dir });
  return { file, serviceDir: result.config.dir, environment, resolved };
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

/** Who holds the lock while this process runs an operation, shown to anyone who finds it locked. */
export function holderName(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `${user}@${hostname()}:${process.pid}`;
}

export function engineDeps(
  ctx: EnvironmentContext,
  renderer: ProgressRenderer | undefined,
  extra: Partial<EngineDeps> = {},
): EngineDeps {
  const notifier = createNotifier({
    configs: ctx.resolved.notifications,
    ledger: ctx.opened.target.ledger(),
    environment: ctx.environment,
    serviceDir: ctx.serviceDir,
    processEnv: process.env,
    log: (line) => process.stderr.write(`slipway: ${line}\n`),
  });
  // A caller's own onProgress replaces the renderer's (it calls the renderer itself), never the notifier.
  const sinks = [extra.onProgress ?? renderer?.onProgress, notifier?.onProgress].filter(
    (f) => f !== undefined,
  );
  return {
    target: ctx.opened.target,
    metrics: ctx.opened.metrics,
    checks: ctx.opened.checks,
    clock: systemClock,
    holder: holderName(),
    // Notifications only queue here; their deliveries (with retries) finish before the process exits.
    ...extra,
    ...(sinks.length
      ? {
          onProgress: (d, o) => {
            for (const f of sinks) f(d, o);
          },
        }
      : {}),
  };
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
