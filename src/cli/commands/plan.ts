/**
 * `slipway plan --env E [--digest sha256:…]`: the diff between the live cluster and what Slipway
 * would apply (server-side dry run), plus what prune would delete. Changes nothing. With `--digest`,
 * also the objects of the next release of that image. Exit 0 either way; the diff is the answer.
 */
import type { Command } from 'commander';
import type { PlannedChange } from '../../targets/index.ts';
import { type CommonOptions, openWith, withCommonOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface PlanOptions extends CommonOptions {
  digest?: string;
}

/** Prints the changes: a diff per changed object and a summary line, or one JSON line per object. */
export function writePlan(
  environment: string,
  plan: { where: string; changes: PlannedChange[] },
  json: boolean,
): void {
  const { changes } = plan;
  if (json) {
    for (const c of changes) process.stdout.write(`${JSON.stringify(c)}\n`);
    return;
  }
  const changed = changes.filter((c) => c.action !== 'unchanged');
  for (const c of changed) process.stdout.write(`${c.diff}\n`);
  const count = (a: string) => changes.filter((c) => c.action === a).length;
  process.stdout.write(
    `plan for ${environment} (${plan.where}): ${count('create')} to create, ${count('update')} to update, ${count('delete')} to prune, ${count('unchanged')} unchanged\n`,
  );
}

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .description('show what applying the environment would change in the cluster (server-side dry run)')
    .option('--digest <sha256>', 'also plan a new release of this image digest');
  withCommonOptions(cmd).action(async (options: PlanOptions) => {
    const ctx = await openWith(options, 'plan', 'slipway plan compares with a cluster');
    if (options.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.digest)) {
      throw new CliError(`--digest "${options.digest}" is not sha256:<64 hex digits>`, ExitCode.invalidInput);
    }
    writePlan(ctx.environment, await ctx.can.plan(options.digest), options.json === true);
  });
}
