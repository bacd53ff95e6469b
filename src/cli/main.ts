import { Command, CommanderError } from 'commander';

/** Exit codes are part of the CLI's contract; docs/cli.md lists them. */
export const ExitCode = {
  ok: 0,
  rolledBack: 1,
  invalidInput: 2,
  lockHeld: 3,
  failed: 4,
  internal: 70,
} as const;

export function buildProgram(): Command {
  const program = new Command('slipway')
    .description('Progressive delivery for Node.js services, with automatic rollback.')
    .version('0.1.0')
    .exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code; never throws for user errors. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    throw err;
  }
}
