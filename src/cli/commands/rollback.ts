/** `slipway rollback --env E [--to N]`: returns to the previous good release (or release N) at once. */
import type { Command } from 'commander';
import { rollback } from '../../engine/index.ts';
import {
  type CommonOptions,
  engineDeps,
  exitCodeFor,
  guard,
  openEnvironment,
  wholeNumber,
  withCommonOptions,
} from '../context.ts';
import { ProgressRenderer, progressMode } from '../progress/renderer.ts';

interface RollbackOptions extends CommonOptions {
  to?: number;
  wait?: boolean;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('rollback')
      .description('switch back to the previous good release, or to release N')
      .option('--to <release>', 'release number to return to', wholeNumber('--to', 1))
      .option('--wait', 'wait for another operation’s lock instead of failing (exit 3)'),
  ).action(async (options: RollbackOptions) => {
    const ctx = await openEnvironment(options);
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
      process.exitCode = outcome.kind === 'promoted' ? 0 : exitCodeFor(outcome);
    } finally {
      renderer.stop();
    }
  });
}
