/**
 * `slipway why --env E [--release N] [--json]`: the story of a release in plain words — how it
 * ended and why, the evidence it rests on, and every decision with the inputs it was made on.
 */
import type { Command } from 'commander';
import { renderExplanation } from '../../explain/render.ts';
import { NoSuchReleaseError, why } from '../../explain/why.ts';
import { type CommonOptions, guard, openEnvironment, wholeNumber, withCommonOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface WhyOptions extends CommonOptions {
  release?: number;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('why')
      .description('explain a release: its outcome, the evidence and every decision with its inputs')
      .option('--release <n>', 'release number (default: the latest)', wholeNumber('--release', 1)),
  ).action(async (options: WhyOptions) => {
    const ctx = await openEnvironment(options);
    const input = { environment: ctx.environment, ...(options.release ? { release: options.release } : {}) };
    const explanation = await guard(() => why(ctx.opened.target.ledger(), input)).catch((err) => {
      throw err instanceof NoSuchReleaseError ? new CliError(err.message, ExitCode.invalidInput) : err;
    });
    const out = options.json ? JSON.stringify(explanation) : renderExplanation(explanation).join('\n');
    process.stdout.write(`${out}\n`);
  });
}
