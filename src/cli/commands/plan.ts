/**
 * `slipway plan --env E [--digest sha256:…]`: the diff between the live cluster and what Slipway
 * would apply (server-side dry run), plus what prune would delete. Changes nothing. With `--digest`,
 * also the objects of the next release of that image. Exit 0 either way; the diff is the answer.
 */
import type { Command } from 'commander';
import { validateConfigFile } from '../../config/index.ts';
import { KubeApiError } from '../../targets/kubernetes/client.ts';
import { type PlannedChange, planEnvironment } from '../../targets/kubernetes/plan.ts';
import { KubernetesTarget } from '../../targets/kubernetes/target.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  guard,
  openEnvironment,
  withCommonOptions,
} from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

/** Runs `fn`; an API error becomes a user-facing failure (exit 4) with the server's message. */
export async function kubeGuard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await guard(fn);
  } catch (err) {
    if (err instanceof KubeApiError) throw new CliError(err.message, ExitCode.failed);
    throw err;
  }
}

/**
 * Opens a kubernetes environment for `what`; a local one is refused before its target is opened
 * (opening it would start the local daemon for nothing).
 */
export async function openKubernetesEnvironment(
  options: CommonOptions,
  what: string,
): Promise<EnvironmentContext & { target: KubernetesTarget }> {
  const checked = await validateConfigFile(options.config, options.env ? { environment: options.env } : {});
  const env = checked.ok && options.env ? checked.config.environments[options.env] : undefined;
  if (env && env.target !== 'kubernetes') {
    throw new CliError(
      `${what}; environment ${options.env} uses target ${env.target}`,
      ExitCode.invalidInput,
    );
  }
  const ctx = await openEnvironment(options);
  const target = ctx.opened.target;
  if (!(target instanceof KubernetesTarget)) {
    throw new CliError(
      `${what}; environment ${ctx.environment} uses target ${ctx.resolved.target}`,
      ExitCode.invalidInput,
    );
  }
  return { ...ctx, target };
}

interface PlanOptions extends CommonOptions {
  digest?: string;
}

/** The planned changes for the environment, plus the next release of `digest` when given. */
export function planChanges(
  ctx: EnvironmentContext & { target: KubernetesTarget },
  digest?: string,
): Promise<PlannedChange[]> {
  const { target } = ctx;
  return kubeGuard(async () => {
    const releases = await target.ledger().releases();
    const next = releases.reduce((m, r) => Math.max(m, r.release), 0) + 1;
    const candidate = digest ? { release: next, digest, replicas: ctx.resolved.replicas } : undefined;
    return planEnvironment(target, candidate);
  });
}

/** Prints the changes: a diff per changed object and a summary line, or one JSON line per object. */
export function writePlan(
  ctx: EnvironmentContext & { target: KubernetesTarget },
  changes: PlannedChange[],
  json: boolean,
): void {
  if (json) {
    for (const c of changes) process.stdout.write(`${JSON.stringify(c)}\n`);
    return;
  }
  const changed = changes.filter((c) => c.action !== 'unchanged');
  for (const c of changed) process.stdout.write(`${c.diff}\n`);
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  process.stdout.write(
    `plan for ${ctx.environment} (namespace ${ctx.target.namespace}): ${count('create')} to create, ${count('update')} to update, ${count('delete')} to prune, ${count('unchanged')} unchanged\n`,
  );
}

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .description('show what applying the environment would change in the cluster (server-side dry run)')
    .option('--digest <sha256>', 'also plan a new release of this image digest');
  withCommonOptions(cmd).action(async (options: PlanOptions) => {
    const ctx = await openKubernetesEnvironment(options, 'slipway plan compares with a cluster');
    if (options.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.digest)) {
      throw new CliError(`--digest "${options.digest}" is not sha256:<64 hex digits>`, ExitCode.invalidInput);
    }
    const changes = await planChanges(ctx, options.digest);
    writePlan(ctx, changes, options.json === true);
  });
}
