/**
 * Exit codes are part of the CLI's contract (docs/cli.md lists them). Commands return one; errors
 * carry a fault kind (core/fault.ts) that maps to one here.
 */
import { type FaultKind, SlipwayError } from '../core/fault.ts';

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

const BY_KIND: Record<FaultKind, number> = {
  'invalid-input': ExitCode.invalidInput,
  busy: ExitCode.lockHeld,
  failed: ExitCode.failed,
};

/**
 * How a command hands back its exit code: each `register(program, done)` calls `done(code)` once its
 * action has rendered the result (commands never write `process.exitCode`). A command that ends
 * without calling it exits 0.
 */
export type Done = (exitCode: number) => void;

/** A failure found by the CLI itself (a bad flag, a missing --env): printed as its message. */
export class CliError extends SlipwayError {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(
      message,
      exitCode === ExitCode.lockHeld
        ? 'busy'
        : exitCode === ExitCode.invalidInput
          ? 'invalid-input'
          : 'failed',
    );
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** The exit code of a fault a user can act on. */
export function exitCodeOfFault(err: SlipwayError): number {
  return err instanceof CliError ? err.exitCode : BY_KIND[err.kind];
}
