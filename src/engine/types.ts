import type { Phase, Verdict } from '../core/types.ts';

/** How an operation ended, as the CLI reports it. */
export type OutcomeKind = 'promoted' | 'rolled-back' | 'failed' | 'aborted';

export interface OperationOutcome {
  kind: OutcomeKind;
  release: number;
  /** The terminal phase (`aborted` is a `rolled-back` phase caused by an operator). */
  phase: Phase;
  /** The last decision's reason. */
  reason: string;
  /** Everything that explains the outcome: the reason, then the verdict's reasons. */
  reasons: string[];
  verdict?: Verdict;
}
