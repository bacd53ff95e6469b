/** Options and output shared by the `slipway local …` commands. */
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';

export interface LocalOptions {
  config: string;
  stateDir?: string;
  json?: boolean;
}

export function stateDirOf(opts: LocalOptions): string {
  return opts.stateDir ? resolve(opts.stateDir) : join(dirname(resolve(opts.config)), '.slipway');
}

export function withOptions(cmd: Command): Command {
  return cmd
    .option(
      '-c, --config <file>',
      'path to slipway.yaml (the state folder is .slipway beside it)',
      'slipway.yaml',
    )
    .option('--state-dir <dir>', 'state folder (default: .slipway beside slipway.yaml)')
    .option('--json', 'machine-readable output');
}

export function print(opts: LocalOptions, json: unknown, text: string): void {
  process.stdout.write(opts.json ? `${JSON.stringify(json)}\n` : `${text}\n`);
}
