/** `slipway logs --env E [--release N] [--instance I] [--tail N]`: instance output of a release. */
import type { Command } from 'commander';
import { type CommonOptions, guard, openEnvironment, wholeNumber, withCommonOptions } from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';

interface LogsOptions extends CommonOptions {
  release?: number;
  instance?: number;
  tail: number;
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('logs')
      .description('the last lines each instance of a release wrote (default: the latest release)')
      .option('--release <n>', 'release number', wholeNumber('--release', 1))
      .option('--instance <i>', 'instance index (0, 1, …)', wholeNumber('--instance', 0))
      .option('--tail <n>', 'lines per instance', wholeNumber('--tail', 1), 50),
  ).action(async (options: LogsOptions) => {
    const ctx = await openEnvironment(options);
    const query = {
      tail: options.tail,
      ...(options.release !== undefined ? { release: options.release } : {}),
      ...(options.instance !== undefined ? { instance: options.instance } : {}),
    };
    const found = await guard(() => ctx.opened.logs(query));
    if (found.length === 0) {
      const which = options.release === undefined ? 'any release' : `release ${options.release}`;
      throw new CliError(
        `no logs for ${which}${options.instance === undefined ? '' : ` instance ${options.instance}`} in ${ctx.environment}`,
        ExitCode.invalidInput,
      );
    }
    for (const f of found) {
      if (options.json) {
        for (const line of f.lines)
          process.stdout.write(`${JSON.stringify({ release: f.release, instance: f.instance, line })}\n`);
      } else {
        process.stdout.write(
          `==> release ${f.release} instance ${f.instance} (${f.file}) <==\n${f.lines.join('\n')}\n`,
        );
      }
    }
  });
}
