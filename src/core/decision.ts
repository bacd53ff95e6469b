/** What `step` returns for one instant, and how a finished operation ended. */
import type { AbortMemo, Memo } from './memo.ts';
import type { ReleaseSpec } from './spec.ts';
import type { Awaiting, Effect, Observed, Phase, Verdict } from './types.ts';

export interface Decision {
  phase: Phase;
  /** The rule that fired (`Rule` in `outcome.ts`), e.g. `canary.analysis.pass`: what a journal keys on. */
  rule: string;
  /** What to do, in order: target actions and ledger lines. */
  effects: Effect[];
  reason: string;
  /** What the release waits for now, if anything. */
  awaiting?: Awaiting;
  /** Ask to be stepped again at this time even if nothing changes. */
  wakeAt?: number;
  /** The memo to persist and hand back as `observed.progress` on the next step. */
  memo: Memo;
  /** True when this decision judged the evidence (then `verdict` is this decision's own). */
  looked: boolean;
  /** The latest verdict, with every number behind it (`evidence`). */
  verdict?: Verdict;
  /** Why the release is rolling back, once it is: cause, reason and the rule that decided it. */
  abort?: AbortMemo;
}

export type StepFn = (spec: ReleaseSpec, observed: Observed, now: number) => Decision;

/** How a finished operation ended: `aborted` when an operator's abort caused the rollback. */
export function outcomeOf(decision: Decision): 'promoted' | 'rolled-back' | 'failed' | 'aborted' {
  if (decision.phase === 'promoted') return 'promoted';
  if (decision.phase === 'failed') return 'failed';
  return decision.memo.abort?.cause === 'operator' ? 'aborted' : 'rolled-back';
}

/**
 * The reasons a finished release is recorded with (the ledger record's `reasons`): the decision's
 * reason, then its verdict's. `history`, `status`, the dashboard and notifications fold these into
 * one line; `slipway why` prints them whole.
 */
export function outcomeReasons(decision: Decision): string[] {
  return [decision.reason, ...(decision.verdict?.reasons ?? [])];
}
