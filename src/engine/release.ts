/**
 * `slipway deploy` as one engine operation: the release policy that used to live in the CLI.
 * If the previous release was left unfinished (its deploying process crashed or was killed), it is
 * resumed first — it then completes or rolls back — and the new release follows, unless the
 * unfinished one was this very artifact and config: then it is not started a second time, whether
 * it completed or was rolled back (a second full canary of what just failed would only repeat the
 * failure and spend the users' failure budget again); `force` deploys it again anyway.
 */
import { type DeployInput, deploy, type EngineDeps, resume } from './api.ts';
import { OperationInFlightError } from './errors.ts';
import type { OperationOutcome } from './types.ts';

/** What a caller may show while the operation runs; none of it changes what happens. */
export type DeployEvent =
  /** A release of the new artifact starts (the number the engine is about to assign). */
  | { kind: 'start'; release: number }
  /** An unfinished release was found: it is resumed first. */
  | { kind: 'resume'; release: number }
  /**
   * The resumed release ended; `next` says what follows: `done` (it was this artifact and config and
   * promoted), `held` (it was, and did not promote: not started again without `force`), `again`
   * (it was, and `force` starts it again) or `new` (another artifact or config is deployed now).
   */
  | {
      kind: 'resumed';
      release: number;
      outcome: OperationOutcome;
      next: 'done' | 'held' | 'again' | 'new';
    };

export interface DeployOptions {
  /** Deploy again even when the resumed release ran this artifact and config and did not promote. */
  force?: boolean;
}

export interface DeployResult {
  outcome: OperationOutcome;
  /** The unfinished release resumed before, when there was one. */
  resumed?: { release: number; outcome: OperationOutcome };
}

/** Deploys `input.spec`; resumes an unfinished release first. Engine errors propagate unchanged. */
export async function deployWithResume(
  deps: EngineDeps,
  input: DeployInput,
  on: (event: DeployEvent) => void = () => {},
  opts: DeployOptions = {},
): Promise<DeployResult> {
  const ledger = deps.target.ledger();
  const next = async (): Promise<number> =>
    (await ledger.releases()).reduce((m, r) => Math.max(m, r.release), 0) + 1;
  try {
    on({ kind: 'start', release: await next() });
    return { outcome: await deploy(deps, input) };
  } catch (err) {
    if (!(err instanceof OperationInFlightError)) throw err;
    const open = (await ledger.releases()).find((r) => r.release === err.release);
    on({ kind: 'resume', release: err.release });
    const outcome = await resume(deps, input.spec.environment);
    const resumed = { release: err.release, outcome };
    const same = open?.digest === input.spec.artifact.digest && open.configHash === input.spec.configHash;
    // Done if what was asked for now serves; otherwise (another artifact, or the interrupted release
    // was rolled back, e.g. because its candidate vanished with the crash) deploy it afresh.
    if (same && outcome.kind === 'promoted') {
      on({ kind: 'resumed', ...resumed, next: 'done' });
      return { outcome, resumed };
    }
    if (same && !opts.force) {
      on({ kind: 'resumed', ...resumed, next: 'held' });
      return { outcome, resumed };
    }
    on({ kind: 'resumed', ...resumed, next: same ? 'again' : 'new' });
    on({ kind: 'start', release: await next() });
    return { outcome: await deploy(deps, input), resumed };
  }
}
