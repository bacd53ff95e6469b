/** Errors the engine's API throws; the CLI maps each to an exit code and prints its message. */

/** Another operation on this environment has not finished (it crashed or is still running elsewhere). */
export class OperationInFlightError extends Error {
  readonly release: number;
  constructor(release: number, environment: string) {
    super(
      `release ${release} in ${environment} has not finished; run \`slipway resume\` to continue it ` +
        'or `slipway abort` to roll it back',
    );
    this.name = 'OperationInFlightError';
    this.release = release;
  }
}

/** `resume` found nothing to resume. */
export class NothingToResumeError extends Error {
  constructor(environment: string) {
    super(`no release is in progress in ${environment}; nothing to resume`);
    this.name = 'NothingToResumeError';
  }
}

/** The environment lock was lost while the engine ran (it expired and another holder took it). */
export class LockLostError extends Error {
  constructor(holder: string, cause: unknown) {
    super(
      `lost the environment lock held as ${holder} (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'progress is saved, run `slipway resume` once the other operation ends',
    );
    this.name = 'LockLostError';
  }
}

/** A rollback that cannot be done, with why (no previous release, unknown release number…). */
export class RollbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}
