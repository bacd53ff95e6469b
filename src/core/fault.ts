/**
 * The one error base class. Every fault a user can act on says what kind it is; the CLI turns the
 * kind into an exit code (docs/cli.md) and prints `summary` with no stack trace. Anything that is
 * not a `SlipwayError` is a bug in Slipway and is reported as an internal error.
 */

/**
 * - `invalid-input`: the config, a flag or a file is wrong; fix it and re-run (exit 2)
 * - `busy`: another operation holds the environment (exit 3)
 * - `failed`: the release or the infrastructure failed; the message says what (exit 4)
 */
export type FaultKind = 'invalid-input' | 'busy' | 'failed';

export class SlipwayError extends Error {
  readonly kind: FaultKind;
  constructor(message: string, kind: FaultKind, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlipwayError';
    this.kind = kind;
  }

  /** The line shown to a user; subclasses add what the bare message lacks (a hint, the problem list). */
  get summary(): string {
    return this.message;
  }
}
