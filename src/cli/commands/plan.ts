/**
 * `slipway plan --env E [--digest sha256:…] [--dry-run]`: what a deploy would do, changing nothing
 * (`--dry-run` is accepted for symmetry with deploy and rollback; plan is always one).
 *
 * - kubernetes: the diff between the live cluster and what Slipway would apply (server-side dry
 *   run), plus what prune would delete. With `--digest`, also the objects of the next release.
 * - local: the artifact the deploy would build (its digest when it can be known without building),
 *   the live revision and the strategy's steps (src/targets/local/plan.ts). No daemon is started.
 *
 * Exit 0 either way; the plan is the answer.
 */
import type { Command } from 'commander';
import type { PlannedChange } from '../../targets/index.ts';
import { type LocalPlan, planLocal } from '../../targets/local/plan.ts';
import { type CommonOptions, guard, openWith, resolveEnvironment, withCommonOptions } from '../context.ts';
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

const duration = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`);

/** The local plan as text (or one JSON line). */
export function writeLocalPlan(plan: LocalPlan, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(plan)}\n`);
    return;
  }
  const a = plan.artifact;
  const lines = [
    `plan for ${plan.environment} (local, ${plan.stateDir}, proxy 127.0.0.1:${plan.proxyPort}):`,
  ];
  lines.push(`  artifact: ${a.files} files`);
  if (a.build)
    lines.push(`    would run the build \`${a.build}\` in a staging copy; the digest is known after it`);
  if (a.dependencies) {
    const d = a.dependencies;
    lines.push(
      d.cached
        ? `    production dependencies (${d.manager}): in the cache (${d.key}), no install`
        : `    would install production dependencies (${d.manager}): ${d.command}`,
    );
  }
  if (a.digest)
    lines.push(
      `    digest ${a.digest}${a.inStore ? ' (in the store already: reused)' : ' (would be packed)'}`,
    );
  else if (!a.build) lines.push('    digest known after the install');
  const live = plan.live;
  if (live.daemon === 'not running') lines.push('  live: no daemon running (the deploy starts it)');
  else if (live.stable === undefined)
    lines.push('  live: nothing released yet (this would be the first release)');
  else {
    const weights = Object.entries(live.weights)
      .map(([r, w]) => `#${r} ${w}%`)
      .join(', ');
    lines.push(`  live: release ${live.stable}${weights ? ` (traffic ${weights})` : ''}`);
  }
  lines.push(
    `  strategy: ${plan.strategy}, ${plan.replicas} replica${plan.replicas === 1 ? '' : 's'}, deadline ${duration(plan.progressDeadlineMs)}`,
  );
  for (const step of plan.steps) lines.push(`    ${step}`);
  lines.push('nothing was started or changed');
  process.stdout.write(`${lines.join('\n')}\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('plan')
    .description(
      'show what a deploy would do, changing nothing (kubernetes: server-side dry run; local: artifact, live revision, steps)',
    )
    .option('--digest <sha256>', 'kubernetes: also plan a new release of this image digest')
    .option('--dry-run', 'accepted for symmetry: plan never changes anything');
  withCommonOptions(cmd).action(async (options: PlanOptions) => {
    const where = await guard(() => resolveEnvironment(options));
    if (where.resolved.target === 'local') {
      const plan = await guard(() =>
        planLocal(where.resolved, {
          environment: where.environment,
          serviceDir: where.serviceDir,
          ...(options.stateDir ? { stateDir: options.stateDir } : {}),
        }),
      );
      writeLocalPlan(plan, options.json === true);
      return;
    }
    const ctx = await openWith(options, 'plan', 'slipway plan compares with a cluster');
    if (options.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.digest)) {
      throw new CliError(`--digest "${options.digest}" is not sha256:<64 hex digits>`, ExitCode.invalidInput);
    }
    writePlan(ctx.environment, await ctx.can.plan(options.digest), options.json === true);
  });
}
