/**
 * `slipway resume --env E`: continues the release in progress — a paused one (the running deploy
 * picks the command up), or one whose deploying process died (this process takes over; the
 * release then completes or rolls back).
 */
import type { Command } from 'commander';
import { type CommonOptions, openEnvironment, withCommonOptions } from '../context.ts';
import type { Done } from '../exit.ts';
import { operate } from './abort.ts';

export function register(program: Command, done: Done): void {
  withCommonOptions(
    program.command('resume').description('continue a paused release, or one whose deploy was interrupted'),
  ).action(async (options: CommonOptions) => {
    const ctx = await openEnvironment(options);
    done(await operate(ctx, { kind: 'resume', at: Date.now() }, options, { carryOut: true }));
  });
}
