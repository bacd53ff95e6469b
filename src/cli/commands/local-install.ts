/**
 * `slipway local install`: writes a systemd user unit (Linux) or a launchd agent (macOS) that runs
 * the keeper of this state folder, so that routing comes back after the keeper itself dies or the
 * machine reboots. It writes the file and prints the commands that enable it; it runs none of them
 * (they need the user's session bus or launchd, and a person's decision). `--print` writes nothing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  defaultInitSystem,
  type InitSystem,
  keeperMain,
  renderServiceUnit,
  unitFolder,
} from '../../targets/local/index.ts';
import { CliError, ExitCode } from '../exit.ts';
import { type LocalOptions, print, stateDirOf, withOptions } from './local-options.ts';

interface InstallOptions extends LocalOptions {
  init?: string;
  print?: boolean;
  dir?: string;
}

const SYSTEMS: InitSystem[] = ['systemd', 'launchd'];

export function registerInstall(local: Command): void {
  withOptions(
    local
      .command('install')
      .description('write a systemd user unit / launchd agent that keeps the keeper (and so routing) running')
      .option('--init <system>', `systemd or launchd (default: ${defaultInitSystem()} on this machine)`)
      .option('--dir <folder>', 'where to write the file (default: the init system’s per-user folder)')
      .option('--print', 'print the file instead of writing it'),
  ).action(async (opts: InstallOptions) => {
    const system = (opts.init ?? defaultInitSystem()) as InitSystem;
    if (!SYSTEMS.includes(system)) {
      throw new CliError(
        `--init is ${JSON.stringify(opts.init)}: use systemd (Linux) or launchd (macOS)`,
        ExitCode.invalidInput,
      );
    }
    const stateDir = stateDirOf(opts);
    const unit = renderServiceUnit(system, {
      stateDir,
      node: process.execPath,
      keeperMain: keeperMain(),
      path: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    });
    if (opts.print) {
      process.stdout.write(opts.json ? `${JSON.stringify(unit)}\n` : unit.text);
      return;
    }
    const folder = opts.dir ?? unitFolder(system, homedir());
    const file = join(folder, unit.fileName);
    await mkdir(folder, { recursive: true });
    await writeFile(file, unit.text, { mode: 0o644 });
    print(
      opts,
      { file, ...unit },
      [
        `wrote ${file}`,
        'a keeper the CLI started still runs until you stop it: slipway local down, then enable the service:',
        ...unit.enable.map((c) => `  ${c}`),
      ].join('\n'),
    );
  });
}
