/**
 * The analysis judge: turns cumulative per-revision counts into a verdict.
 * PLACEHOLDER SIGNATURE — the sequential test replaces this body (see issue 2, §4).
 */
import type { AnalysisSpec } from '../spec.ts';
import type { RevisionCounts, Verdict } from '../types.ts';

/** Serializable state carried between calls (persisted by the engine inside the progress memo). */
export interface JudgeState {
  /** Counts seen at the previous call, to compute deltas. */
  stable: RevisionCounts;
  candidate: RevisionCounts;
}

export interface Judgement {
  verdict: Verdict;
  state: JudgeState;
}

/** Pure: the same inputs always give the same verdict. Counts are cumulative since the candidate started. */
export function judge(
  spec: AnalysisSpec,
  prev: JudgeState | undefined,
  stable: RevisionCounts,
  candidate: RevisionCounts,
): Judgement {
  const state: JudgeState = { stable, candidate };
  if (candidate.errors >= spec.failureBudget) {
    return {
      verdict: {
        kind: 'fail',
        reasons: [`failure budget spent: ${candidate.errors} failed requests >= ${spec.failureBudget}`],
        evidence: { candidateErrors: candidate.errors, failureBudget: spec.failureBudget },
      },
      state,
    };
  }
  void prev;
  return { verdict: { kind: 'inconclusive', reasons: ['placeholder judge'], evidence: {} }, state };
}
