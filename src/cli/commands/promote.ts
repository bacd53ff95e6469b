/**
 * `slipway promote --env E`: a canary waiting at a pause step goes on past it (the remaining steps,
 * analysis included, still run); otherwise, or with `--full`, the release in progress goes to 100%
 * now (past pauses and remaining steps). `slipway promote --from A --to B`: deploys to B the artifact A runs now — the
 * same digest, never rebuilt — with B's configuration and strategy. Which artifact, and deploying
 * it with resume, is the engine's (engine/promote.ts); this file parses flags and renders.
 */
import type { Command } from 'commander';
import { promoteRelease } from '../../app/deploy.ts';
import { ProgressRenderer, progressMode } from '../../app/progress/renderer.ts';
import { promotionFrom } from '../../engine/index.ts';
import { type CommonOptions, exitCodeFor, openEnvironment, withCommonOptions } from '../context.ts';
import { CliError, type Done, ExitCode } from '../exit.ts';
import { operate } from './abort.ts';
import { dryRun } from './deploy.ts';

interface PromoteOptions extends CommonOptions {
  from?: string;
  to?: string;
  wait?: boolean;
  full?: boolean;
  dryRun?: boolean;
}

export function register(program: Command, done: Done): void {
  withCommonOptions(
    program
      .command('promote')
      .description('promote the release in progress, or move the artifact of one environment to another')
      .option('--from <env>', 'environment whose current artifact to deploy')
      .option('--to <env>', 'environment to deploy it to')
      .option(
        '--dry-run',
        'with --to: show what the promotion would deploy there (kubernetes: a server-side dry run and diff); change nothing',
      )
      .option(
        '--full',
        'finish now, past every remaining step (default: a canary at a pause step only goes past that pause)',
      )
      .option('--wait', 'with --to: wait for another operation’s lock instead of failing (exit 3)'),
  ).action(async (options: PromoteOptions) => {
    if (options.dryRun && options.to === undefined) {
      throw new CliError(
        '--dry-run applies to --from/--to (slipway promote --from staging --to production --dry-run); a promote of the release in progress is a command to it',
        ExitCode.invalidInput,
      );
    }
    if (options.full && options.from !== undefined) {
      throw new CliError(
        '--full applies to the release in progress (slipway promote --env E --full), not to --from/--to',
        ExitCode.invalidInput,
      );
    }
    if ((options.from === undefined) !== (options.to === undefined)) {
      throw new CliError(
        '--from and --to go together: slipway promote --from staging --to production',
        ExitCode.invalidInput,
      );
    }
    if (options.from === undefined) {
      const ctx = await openEnvironment(options);
      const command = { kind: 'promote' as const, at: Date.now(), ...(options.full ? { full: true } : {}) };
      done(await operate(ctx, command, options, { carryOut: true }));
      return;
    }
    const source = await openEnvironment({ ...options, env: options.from });
    const promotion = await promotionFrom(source.environment, source.opened.target.ledger());
    const ctx = await openEnvironment({ ...options, env: options.to as string });
    const { artifact } = promotion;
    if (options.dryRun) {
      process.stdout.write(
        `promotion plan: release ${promotion.release} of ${promotion.from} (${artifact.digest}) to ${ctx.environment}, with ${ctx.environment}'s configuration and ${Object.keys(ctx.resolved.strategy).join('/') || 'default'} strategy\n`,
      );
      if (ctx.resolved.target === 'kubernetes') await dryRun(ctx, artifact, options.json === true);
      else process.stdout.write('dry run: nothing was changed\n');
      return;
    }
    const renderer = new ProgressRenderer({
      mode: progressMode(options.json, process.stdout.isTTY),
      environment: ctx.environment,
      sample: () => ctx.opened.sample(),
    });
    try {
      const outcome = await promoteRelease(ctx, promotion, {
        renderer,
        ...(options.wait ? { wait: true } : {}),
      });
      renderer.finish(outcome);
      done(exitCodeFor(outcome));
    } finally {
      renderer.stop();
    }
  });
}
