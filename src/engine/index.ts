/** The engine's public surface for the CLI and the targets. */

export { assertReleaseSpec, InvalidReleaseSpecError } from '../core/spec-check.ts';
export {
  type DeployInput,
  deploy,
  type EngineDeps,
  planRollback,
  type RollbackInput,
  type RollbackPlan,
  resume,
  rollback,
  sendCommand,
  servingRevision,
} from './api.ts';
export { type Clock, systemClock } from './clock.ts';
export { type CommandOptions, type CommandResult, runCommand } from './command.ts';
export { LockLostError, NothingToResumeError, OperationInFlightError, RollbackError } from './errors.ts';
export {
  NothingToPromoteError,
  type PromotedArtifact,
  type Promotion,
  promote,
  promotionFrom,
} from './promote.ts';
export { type DeployEvent, type DeployOptions, type DeployResult, deployWithResume } from './release.ts';
export type { Ledger, Lock, ReleaseRecord, Target } from './target.ts';
export { LockHeldError } from './target.ts';
export type { OperationOutcome, OutcomeKind } from './types.ts';
