import { Command, CommanderError } from 'commander';
import { SlipwayError } from '../core/fault.ts';
import { registerCommands } from './commands/index.ts';
import { type Done, ExitCode, exitCodeOfFault } from './exit.ts';

export { CliError, ExitCode } from './exit.ts';

export function buildProgram(done: Done): Command {
  const program = new Command('slipway')
    .description('Progressive delivery for Node.js services, with automatic rollback.')
    .version('0.1.0')
    .exitOverride();
  registerCommands(program, done);
  return program;
}

/** Runs the CLI and returns the exit code; never throws for user errors. */
export async function main(argv: string[]): Promise<number> {
  let code: number | undefined;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (err instanceof SlipwayError) {
      process.stderr.write(`slipway: ${err.summary}\n`);
      return exitCodeOfFault(err);
    }
    process.stderr.write(
      `slipway: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return ExitCode.internal;
  }
}
