/**
 * `slipway promote --from A --to B` as one engine operation: B deploys the artifact A serves now —
 * the digest of A's current (last promoted) release, never rebuilt — with B's own configuration
 * and strategy, through the same deploy-with-resume policy as `slipway deploy`. A release of A
 * that is still in progress, or was rolled back, is not what A serves, so it is never promoted.
 */
import { SlipwayError } from '../core/fault.ts';
import { currentRelease } from '../core/operations.ts';
import type { DeployInput, EngineDeps } from './api.ts';
import { type DeployEvent, type DeployOptions, type DeployResult, deployWithResume } from './release.ts';
import type { Ledger } from './target.ts';

/** The artifact a promotion carries: a digest, and the pullable reference it was released under. */
export interface PromotedArtifact {
  digest: string;
  ref?: string;
}

/** What A serves now, to be deployed to B. */
export interface Promotion {
  /** A's environment name and its release the artifact comes from. */
  from: string;
  release: number;
  artifact: PromotedArtifact;
}

/** The source environment has never promoted a release: there is nothing it serves to carry on. */
export class NothingToPromoteError extends SlipwayError {
  constructor(environment: string) {
    super(
      `${environment} has no released artifact to promote (no release there was promoted yet); deploy it there first`,
      'invalid-input',
    );
    this.name = 'NothingToPromoteError';
  }
}

/** What `promote --from` would carry, without changing anything (its dry run reads this too). */
export async function promotionFrom(
  environment: string,
  ledger: Pick<Ledger, 'releases'>,
): Promise<Promotion> {
  const current = currentRelease(await ledger.releases());
  if (!current) throw new NothingToPromoteError(environment);
  const artifact = { digest: current.digest, ...(current.artifactRef ? { ref: current.artifactRef } : {}) };
  return { from: environment, release: current.release, artifact };
}

/**
 * Deploys `promotion`'s artifact through `deps` (the destination); `inputFor` builds the
 * destination's release input (its spec and stored config) around that artifact.
 */
export async function promote(
  deps: EngineDeps,
  promotion: Promotion,
  inputFor: (artifact: PromotedArtifact) => DeployInput,
  on: (event: DeployEvent) => void = () => {},
  opts: DeployOptions = {},
): Promise<DeployResult> {
  const input = inputFor(promotion.artifact);
  if (input.spec.artifact.digest !== promotion.artifact.digest) {
    // A promotion that deploys something else is a bug in the caller, not a user's mistake.
    throw new Error(
      `promote: the destination's input carries ${input.spec.artifact.digest}, not ${promotion.artifact.digest} from release ${promotion.release} of ${promotion.from}`,
    );
  }
  return deployWithResume(deps, input, on, opts);
}
