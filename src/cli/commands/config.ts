/**
 * `slipway config --env NAME`: prints one environment's resolved configuration (base + overlay,
 * defaults applied) as YAML or JSON. Secrets are references by construction, so nothing secret can
 * be printed. Also exports the loading helper other commands use to turn config problems into a
 * clean exit 2.
 */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import {
  type ConfigProblem,
  configHash,
  formatProblems,
  type LoadedConfig,
  type ResolvedConfig,
  validateConfigFile,
} from '../../config/index.ts';
import { CliError, ExitCode } from '../exit.ts';

export const DEFAULT_CONFIG = 'slipway.yaml';

/**
 * For commands that need a valid config: prints every problem to stderr and exits 2 when there is
 * any, otherwise returns the config with the requested environment resolved.
 */
export async function loadForCommand(
  file: string,
  environment: string,
): Promise<{ config: LoadedConfig; resolved: ResolvedConfig }> {
  const result = await validateConfigFile(file, environment === undefined ? {} : { environment });
  if (!result.ok) {
    process.stderr.write(`${formatProblems(result.problems, file)}\n`);
    throw new CliError(summary(file, result.problems), ExitCode.invalidInput);
  }
  return { config: result.config, resolved: result.config.environments[environment]! };
}

/** `slipway.yaml is invalid: 3 problems`, or `… could not be read` when there is no file to judge. */
export function summary(file: string, problems: readonly ConfigProblem[]): string {
  const unreadable = problems.length === 1 && problems[0]?.path === '' && problems[0].line === undefined;
  if (unreadable) return `${file} could not be read`;
  return `${file} is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}`;
}

interface ConfigOptions {
  config: string;
  env: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('config')
    .description("print an environment's resolved configuration (secrets as references only)")
    .option('-c, --config <file>', 'path to slipway.yaml', DEFAULT_CONFIG)
    .requiredOption('-e, --env <name>', 'environment to resolve')
    .option('--json', 'print JSON instead of YAML')
    .action(async (options: ConfigOptions) => {
      const { resolved } = await loadForCommand(options.config, options.env);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ environment: options.env, configHash: configHash(resolved), config: resolved }, null, 2)}\n`,
        );
        return;
      }
      process.stdout.write(
        `# environment ${options.env} resolved from ${options.config}\n# configHash: ${configHash(resolved)}\n${stringify(resolved, { lineWidth: 0 })}`,
      );
    });
}
