/**
 * `slipway render --env E [--format yaml|kustomize|argo-rollouts] [--out DIR] [--digest sha256:…]`:
 * the Kubernetes manifests of an environment, strictly validated (schema + policies, with the
 * config's waivers). Violations exit 2 with the full list; waived findings are listed on stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import {
  FORMATS,
  type Format,
  PLACEHOLDER_DIGEST,
  renderOutput,
} from '../../targets/kubernetes/render/output.ts';
import { formatReport } from '../../targets/kubernetes/validate/index.ts';
import { CliError, ExitCode } from '../exit.ts';
import { DEFAULT_CONFIG, loadForCommand } from './config.ts';

interface RenderOptions {
  config: string;
  env: string;
  format: string;
  out?: string;
  digest?: string;
}

export function register(program: Command): void {
  program
    .command('render')
    .description('print or write the Kubernetes manifests of an environment, validated strictly')
    .option('-c, --config <file>', 'path to slipway.yaml', DEFAULT_CONFIG)
    .requiredOption('-e, --env <name>', 'environment to render (a kubernetes environment)')
    .option('-f, --format <format>', `output format: ${FORMATS.join(' | ')}`, 'yaml')
    .option('-o, --out <dir>', 'write files to this folder (required for kustomize)')
    .option('--digest <sha256:…>', 'image digest to pin (default: a placeholder)')
    .action(async (options: RenderOptions) => {
      if (!(FORMATS as readonly string[]).includes(options.format)) {
        throw new CliError(
          `--format ${options.format} is not one of ${FORMATS.join(', ')}`,
          ExitCode.invalidInput,
        );
      }
      const format = options.format as Format;
      if (format === 'kustomize' && !options.out) {
        throw new CliError('--format kustomize writes a tree: give --out <dir>', ExitCode.invalidInput);
      }
      if (options.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(options.digest)) {
        throw new CliError(`--digest ${options.digest} is not sha256:<64 hex digits>`, ExitCode.invalidInput);
      }
      if (options.digest === undefined) {
        process.stderr.write(
          `note: no --digest given; images are pinned to the placeholder ${PLACEHOLDER_DIGEST}, which no registry serves\n`,
        );
      }
      // kustomize writes one overlay per kubernetes environment, so it needs them all resolved.
      const { config } = await loadForCommand(
        options.config,
        format === 'kustomize' ? (undefined as unknown as string) : options.env,
      );
      let output: ReturnType<typeof renderOutput>;
      output = renderOutput(config.environments, options.env, format, options.digest ?? PLACEHOLDER_DIGEST);
      for (const note of output.notes) process.stderr.write(`note: ${note}\n`);
      const failed = output.reports.filter((r) => !r.report.ok);
      for (const { environment, report } of output.reports) {
        const text = formatReport(report);
        if (text) process.stderr.write(`${environment}:\n${text.replace(/^/gm, '  ')}\n`);
      }
      if (failed.length > 0) {
        throw new CliError(
          `render: ${failed.map((f) => f.environment).join(', ')} failed validation (see above); fix the config or add a waiver with a reason`,
          ExitCode.invalidInput,
        );
      }
      if (!options.out) {
        process.stdout.write([...output.files.values()].join(''));
        return;
      }
      for (const [path, content] of output.files) {
        mkdirSync(dirname(join(options.out, path)), { recursive: true });
        writeFileSync(join(options.out, path), content);
      }
      process.stderr.write(
        `wrote ${output.files.size} file${output.files.size === 1 ? '' : 's'} to ${options.out}\n`,
      );
    });
}
