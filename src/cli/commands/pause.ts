/** `slipway pause --env E`: holds the release in progress at its current step until `slipway resume`. */
import type { Command } from 'commander';
import { type CommonOptions, openEnvironment, withCommonOptions } from '../context.ts';
import type { Done } from '../exit.ts';
import { operate } from './abort.ts';

export function register(program: Command, done: Done): void {
  withCommonOptions(
    program.command('pause').description('hold the release in progress at its current step'),
  ).action(async (options: CommonOptions) => {
    const ctx = await openEnvironment(options);
    done(await operate(ctx, { kind: 'pause', at: Date.now() }, options, { carryOut: false }));
  });
}
