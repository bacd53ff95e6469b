/**
 * An operator command (promote, abort, pause, resume) as one engine operation. The command is
 * written to the ledger, where a running deploy picks it up at once; when asked to carry it out and
 * no deploy is running (its process died), this process takes the lock and continues the release
 * itself, so the command takes effect.
 */
import type { OperatorCommand } from '../core/types.ts';
import { type EngineDeps, resume, sendCommand } from './api.ts';
import { LockHeldError } from './target.ts';
import type { OperationOutcome } from './types.ts';

export type CommandResult =
  /** Written; a running operation (held by `holder`, when known) acts on it. */
  | { kind: 'sent'; release: number; holder?: string }
  /** No operation was running: this one continued the release to its end. */
  | { kind: 'carried-out'; release: number; outcome: OperationOutcome };

export interface CommandOptions {
  /** When no deploy is running, take the lock and continue the release (abort, resume, promote). */
  carryOut: boolean;
  /** Told the release number once the command is written, before carrying it out. */
  onSent?: (release: number) => void;
}

export async function runCommand(
  deps: EngineDeps,
  environment: string,
  command: OperatorCommand,
  opts: CommandOptions,
): Promise<CommandResult> {
  const release = await sendCommand(deps.target, environment, command);
  opts.onSent?.(release);
  if (!opts.carryOut) return { kind: 'sent', release };
  try {
    return { kind: 'carried-out', release, outcome: await resume(deps, environment) };
  } catch (err) {
    if (err instanceof LockHeldError) return { kind: 'sent', release, holder: err.holder };
    throw err;
  }
}
