/**
 * `slipway demo`: the main job. Deploys examples/hello three times on the local target under
 * background load (rolling, healthy canary, failing canary) and prints what users saw.
 * Exit 0 when every release ended as expected with no user-visible error, 4 otherwise.
 *
 * examples/hello (and the dev tools its build bundles with) ships in a checkout of the repository,
 * not in the npm package: from an installed package the demo says so in one line (exit 2) and how
 * to run it, instead of failing on a missing file.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { progressMode } from '../../app/progress/renderer.ts';
import { DEMO_CONFIG, runDemo } from '../../demo/run.ts';
import { formatSummary } from '../../demo/summary.ts';
import { CliError, type Done, ExitCode } from '../exit.ts';

interface DemoOptions {
  json?: boolean;
  keep?: boolean;
  stateDir?: string;
}

export function register(program: Command, done: Done): void {
  program
    .command('demo')
    .description(
      'deploy examples/hello three times under load: rolling, canary, and a bad canary rolled back',
    )
    .option('--json', 'print only the summary, as one JSON object')
    .option('--keep', 'leave the daemon and the app running afterwards')
    .option('--state-dir <dir>', 'state folder (default: a fresh one, removed afterwards)')
    .action(async (options: DemoOptions) => {
      if (!existsSync(DEMO_CONFIG)) {
        throw new CliError(
          'slipway demo needs a checkout of the Slipway repository (its example service examples/hello is not in the npm package): run it there with `npm ci && npx slipway demo`; to try Slipway on your own service run `slipway init`, then `slipway deploy --env development`',
          ExitCode.invalidInput,
        );
      }
      const summary = await runDemo({
        mode: progressMode(options.json, process.stdout.isTTY),
        ...(options.keep ? { keep: true } : {}),
        ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      });
      if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else process.stdout.write(`${formatSummary(summary).join('\n')}\n`);
      done(summary.ok ? ExitCode.ok : ExitCode.failed);
    });
}
