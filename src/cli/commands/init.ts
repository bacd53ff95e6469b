/**
 * `slipway init`: adopt Slipway in an existing Node project. Detects the package manager, entry
 * point, port, health path and existing files, then writes slipway.yaml, a Dockerfile,
 * .dockerignore and the CI/CD workflows. Existing files that differ are shown as a diff and kept
 * unless --force. Exit 0 when done, 2 when the project cannot be read.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InitError } from '../../init/detect.ts';
import { applyPlan, planInit } from '../../init/plan.ts';
import { CliError, ExitCode } from '../exit.ts';

interface InitOptions {
  dir: string;
  force?: boolean;
  dryRun?: boolean;
  proxyPort?: string;
}

/** `--proxy-port`: a TCP port, or a usage error naming the flag and the value. */
function proxyPortOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    throw new CliError(
      `--proxy-port must be a TCP port (1-65535), got '${value}': e.g. --proxy-port 8710`,
      ExitCode.invalidInput,
    );
  }
  return port;
}

export function register(program: Command): void {
  program
    .command('init')
    .description('write slipway.yaml, a Dockerfile and CI/CD workflows for an existing Node project')
    .option('-d, --dir <path>', 'project root (where package.json is)', '.')
    .option('--force', 'overwrite files that exist and differ (their diff is shown first)')
    .option('--dry-run', 'show what would be written, write nothing')
    .option('--proxy-port <port>', "the development environment's local port (default 8700)")
    .action((options: InitOptions) => {
      const dir = resolve(options.dir);
      const proxyPort = proxyPortOf(options.proxyPort);
      let plan: ReturnType<typeof planInit>;
      try {
        plan = planInit(dir, proxyPort === undefined ? {} : { proxyPort });
      } catch (err) {
        if (err instanceof InitError) throw new CliError(err.message, ExitCode.invalidInput);
        throw err;
      }
      const { facts } = plan;
      const out = process.stdout;
      const m = facts.manager;
      const manager = `${m.flavour === 'yarn-classic' ? 'yarn 1' : m.flavour === 'yarn-berry' ? 'yarn berry' : m.name}${m.version ? ` ${m.version}` : ''}${m.lockfile ? ` (${m.lockfile})` : ''}`;
      out.write(
        `${facts.name}: ${manager}, entry ${facts.entry}, port ${facts.port}, health ${facts.healthPath}` +
          `${facts.scripts.build ? ', build script' : ''}\n`,
      );
      for (const note of facts.notes) out.write(`note: ${note}\n`);
      for (const file of plan.files.filter((f) => f.status === 'differs')) out.write(file.diff ?? '');
      const result = applyPlan(dir, plan, { force: options.force === true, dryRun: options.dryRun === true });
      const verb = options.dryRun ? 'would write' : 'wrote';
      for (const file of plan.files) {
        const action = result.written.includes(file.path)
          ? `${verb} (${file.status === 'create' ? 'new' : file.status === 'append' ? 'appended .slipway/' : 'overwritten'})`
          : file.status === 'unchanged'
            ? 'unchanged'
            : 'kept (differs; shown above, --force to overwrite)';
        out.write(`  ${file.path}: ${action}\n`);
      }
      if (!plan.files.some((f) => f.path === '.github/workflows/ci.yml')) {
        const planned = new Set(plan.files.map((f) => f.path));
        const theirs = facts.existing.workflows.filter((w) => !planned.has(`.github/workflows/${w}`));
        out.write(`kept your CI (${theirs.join(', ')}); no ci.yml written\n`);
      }
      out.write(
        'next: npx slipway validate, then create the staging and production environments (docs/ci-cd.md)\n',
      );
    });
}
