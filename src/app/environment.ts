/**
 * Opening one environment of a slipway.yaml, for every front end (the CLI's commands, the demo):
 * load and validate the config, resolve the environment, open its target, and assemble the
 * engine's dependencies (target, metrics, checks, clock, lock holder, notifier). Faults are
 * `SlipwayError`s with their kind; each front end maps the kind to what it shows (the CLI: an exit code).
 */
import { hostname, userInfo } from 'node:os';
import { formatProblems, type ResolvedConfig, validateConfigFile } from '../config/index.ts';
import { SlipwayError } from '../core/fault.ts';
import { type EngineDeps, systemClock } from '../engine/index.ts';
import { createNotifier } from '../notifications/notifier.ts';
import { type OpenedTarget, openTarget } from '../targets/index.ts';
import type { ProgressRenderer } from './progress/renderer.ts';

/** Where an environment comes from: the config file, the environment's name, the local state folder. */
export interface EnvironmentRef {
  config: string;
  env?: string;
  stateDir?: string;
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

/**
 * Loads the config (every problem listed on stderr, then an `invalid-input` fault when invalid),
 * resolves the environment, opens its target.
 */
export async function openEnvironment(
  opts: EnvironmentRef,
  more: OpenOptions = {},
): Promise<EnvironmentContext> {
  const { file, serviceDir, environment, resolved } = await resolveEnvironment(opts, more);
  const opened = await openTarget(resolved, {
    environment,
    serviceDir,
    ...(opts.stateDir ? { stateDir: opts.stateDir } : {}),
    ...(more.processEnv ? { processEnv: more.processEnv } : {}),
  });
  return { file, serviceDir, environment, resolved, opened };
}

/** Loads the config and resolves the environment without opening its target: nothing is started. */
export async function resolveEnvironment(
  opts: EnvironmentRef,
  more: Pick<OpenOptions, 'overlay' | 'beforeOpen'> = {},
): Promise<Omit<EnvironmentContext, 'opened'>> {
  const file = opts.config;
  const result = await validateConfigFile(file, opts.env === undefined ? {} : { environment: opts.env });
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems, file)}\n`);
    const n = result.problems.length;
    throw new SlipwayError(`${file} is invalid: ${n} problem${n === 1 ? '' : 's'}`, 'invalid-input');
  }
  const names = Object.keys(result.config.environments);
  let environment = opts.env;
  if (environment === undefined) {
    if (names.length !== 1) {
      throw new SlipwayError(
        `${file} defines ${names.length} environments (${names.join(', ')}): choose one with --env`,
        'invalid-input',
      );
    }
    environment = names[0] as string;
  }
  let resolved = result.config.environments[environment] as ResolvedConfig;
  if (more.overlay) resolved = more.overlay(resolved);
  more.beforeOpen?.(resolved, { file, environment, serviceDir: result.config.dir });
  return { file, serviceDir: result.config.dir, environment, resolved };
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
