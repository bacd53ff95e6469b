/** Errors the engine's API throws; the CLI maps each to an exit code and prints its message. */
import { SlipwayError } from '../core/fault.ts';

/** Another operation on this environment has not finished (it crashed or is still running elsewhere). */
export class OperationInFlightError extends SlipwayError {
  readonly release: number;
  constructor(release: number, environment: string) {
    super(
      `release ${release} in ${environment} has not finished; run \`slipway resume\` to continue it ` +
        'or `slipway abort` to roll it back',
      'busy',
    );
    this.name = 'OperationInFlightError';
    this.release = release;
  }
}

/** No release is in progress: nothing to resume (or to send `what` to). */
export class NothingToResumeError extends SlipwayError {
  constructor(environment: string, what?: string) {
    super(
      what === undefined
        ? `no release is in progress in ${environment}; nothing to resume`
        : `no release is in progress in ${environment}: nothing to ${what} (see \`slipway status\`)`,
      'invalid-input',
    );
    this.name = 'NothingToResumeError';
  }
}

/** The environment lock was lost while the engine ran (it expired and another holder took it). */
export class LockLostError extends SlipwayError {
  constructor(holder: string, cause: unknown) {
    super(
      `lost the environment lock held as ${holder} (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'progress is saved, run `slipway resume` once the other operation ends',
      'failed',
    );
    this.name = 'LockLostError';
  }
}

/** A rollback that cannot be done, with why (no previous release, unknown release number…). */
export class RollbackError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'RollbackError';
  }
}
