/**
 * `slipway validate`: checks slipway.yaml and every environment (or one, with --env) and lists
 * every problem at once. Exit 0 when valid, 2 when not. Warnings (a local secret too short to be
 * redacted from logs) are printed but do not fail it.
 */
import type { Command } from 'commander';
import { formatProblems, validateConfigFile } from '../../config/index.ts';
import { shortSecretWarnings } from '../../targets/local/supervisor/short-secrets.ts';
import { CliError, ExitCode } from '../exit.ts';
import { DEFAULT_CONFIG, summary } from './config.ts';

interface ValidateOptions {
  config: string;
  env?: string;
  json?: boolean;
  stateDir?: string;
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check slipway.yaml and its environments; list every problem')
    .option('-c, --config <file>', 'path to slipway.yaml', DEFAULT_CONFIG)
    .option('-e, --env <name>', 'check only this environment (and the base)')
    .option('--json', 'print the result as JSON')
    .option(
      '--state-dir <dir>',
      'local target: state folder, for its secrets file (default: .slipway beside slipway.yaml)',
    )
    .action(async (options: ValidateOptions) => {
      const result = await validateConfigFile(
        options.config,
        options.env === undefined ? {} : { environment: options.env },
      );
      const warnings = result.ok
        ? await shortSecretWarnings(
            result.config,
            options.stateDir === undefined ? {} : { stateDir: options.stateDir },
          )
        : [];
      if (options.json) {
        const body = result.ok
          ? {
              valid: true,
              file: options.config,
              environments: Object.fromEntries(
                Object.entries(result.config.environments).map(([name, env]) => [
                  name,
                  { target: env.target },
                ]),
              ),
              warnings,
            }
          : { valid: false, file: options.config, problems: result.problems };
        process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      } else if (result.ok) {
        const envs = Object.entries(result.config.environments).map(
          ([name, env]) => `${name} (${env.target})`,
        );
        process.stdout.write(`${options.config} is valid: ${envs.join(', ')}\n`);
        for (const w of warnings) process.stderr.write(`warning: ${formatProblems([w], options.config)}\n`);
      } else {
        process.stderr.write(`${formatProblems(result.problems, options.config)}\n`);
      }
      if (!result.ok) {
        throw new CliError(summary(options.config, result.problems), ExitCode.invalidInput);
      }
    });
}
