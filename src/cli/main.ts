import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.ts';

/** Exit codes are part of the CLI's contract; docs/cli.md lists them. */
export const ExitCode = {
  ok: 0,
  rolledBack: 1,
  invalidInput: 2,
  lockHeld: 3,
  failed: 4,
  /** `wait`: the release waits for a person (an approval gate, an operator's pause). */
  awaitingPerson: 5,
  /** `wait`: the time ran out with the release still in progress (or not begun). */
  timedOut: 6,
  internal: 70,
} as const;

/**
 * A failure the user can act on: printed as its message (no stack trace) with the given exit code.
 * Commands throw this; `main` maps it.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export function buildProgram(): Command {
  const program = new Command('slipway')
    .description('Progressive delivery for Node.js services, with automatic rollback.')
    .version('0.1.0')
    .exitOverride();
  registerCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code; never throws for user errors. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidInput;
    }
    if (err instanceof CliError) {
      process.stderr.write(`slipway: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `slipway: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return ExitCode.internal;
  }
}
