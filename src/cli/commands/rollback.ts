/**
 * `slipway rollback --env E [--to N] [--dry-run]`: returns to the previous good release (or release N)
 * at once; with `--dry-run`, says which release it would run again and how, and changes nothing.
 */
import type { Command } from 'commander';
import { ProgressRenderer, progressMode } from '../../app/progress/renderer.ts';
import { planRollback, type RollbackPlan, rollback } from '../../engine/index.ts';
import {
  type CommonOptions,
  engineDeps,
  exitCodeFor,
  guard,
  openEnvironment,
  wholeNumber,
  withCommonOptions,
} from '../context.ts';
import type { Done } from '../exit.ts';

interface RollbackOptions extends CommonOptions {
  to?: number;
  wait?: boolean;
  dryRun?: boolean;
}

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/** The plan in words (or one JSON line): what `rollback` would switch to, and how. */
function describePlan(environment: string, plan: RollbackPlan, json: boolean): string {
  const { from, to } = plan;
  if (json) {
    return `${JSON.stringify({
      type: 'rollback-plan',
      environment,
      release: plan.release,
      from: from ? { release: from.release, digest: from.digest, configHash: from.configHash } : null,
      to: { release: to.release, digest: to.digest, configHash: to.configHash },
      reuses: plan.runningRevision ?? null,
    })}\n`;
  }
  const fromText = from
    ? `release ${from.release} (${short(from.digest)}, config ${from.configHash.slice(0, 8)})`
    : 'nothing';
  const how =
    plan.runningRevision !== undefined
      ? `its revision ${plan.runningRevision} still runs: one traffic switch, at once`
      : 'its revision is started at full capacity, then traffic switches to it in one step';
  return [
    `rollback plan for ${environment}: from ${fromText} to release ${to.release} (${short(to.digest)}, config ${to.configHash.slice(0, 8)}), recorded as release ${plan.release}`,
    `  ${how}; no analysis, the previous revision retires after its drain`,
    'dry run: nothing was changed',
    '',
  ].join('\n');
}

export function register(program: Command, done: Done): void {
  withCommonOptions(
    program
      .command('rollback')
      .description('switch back to the previous good release, or to release N')
      .option('--to <release>', 'release number to return to', wholeNumber('--to', 1))
      .option('--wait', 'wait for another operation’s lock instead of failing (exit 3)')
      .option('--dry-run', 'say which release would run again and how; change nothing'),
  ).action(async (options: RollbackOptions) => {
    const ctx = await openEnvironment(options);
    if (options.dryRun) {
      const input = options.to === undefined ? {} : { to: options.to };
      const plan = await guard(() => planRollback(ctx.opened.target, ctx.environment, input));
      process.stdout.write(describePlan(ctx.environment, plan, options.json === true));
      return;
    }
    const renderer = new ProgressRenderer({
      mode: progressMode(options.json, process.stdout.isTTY),
      environment: ctx.environment,
      sample: () => ctx.opened.sample(),
    });
    try {
      const deps = engineDeps(ctx, renderer, { waitForLock: options.wait === true });
      const outcome = await guard(() =>
        rollback(deps, ctx.environment, options.to === undefined ? {} : { to: options.to }),
      );
      renderer.finish(outcome);
      // A rollback that completed is a success of the command itself.
      done(outcome.kind === 'promoted' ? 0 : exitCodeFor(outcome));
    } finally {
      renderer.stop();
    }
  });
}
