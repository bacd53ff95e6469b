/**
 * The core's only memory: a plain-JSON memo that `step` returns as `Decision.progress` and gets
 * back as `Observed.progress`. The engine persists it (before applying the decision's actions), so
 * a killed process resumes exactly where the last decision left off.
 */
import type { ChecksMemo } from './analysis/checks.ts';
import type { JudgeState } from './analysis/judge.ts';
import type { Phase, Verdict } from './types.ts';

/** Why an operation is being rolled back. */
export type AbortCause = 'operator' | 'analysis' | 'candidate-failed' | 'deadline' | 'lock-lost';

export interface Progress {
  version: 1;
  phase: Phase;
  /** Strategy sub-state: `deploy`, `preview`, `ready`, `switched`, `steps`, `roll`, `promote`. */
  stage: string;
  /** Canary: index of the current step in `strategy.steps`. */
  stepIndex: number;
  /** When the current step (or blue-green stage) started; shifted forward by operator pauses. */
  stepStartedAt: number;
  /** Last time the release moved (for the progress deadline). */
  progressAt: number;
  /** Candidate ready instances at the last decision (an increase counts as progress). */
  candidateReady: number;
  /** Operator pause in force, and since when. */
  pausedAt?: number;
  promoteRequested: boolean;
  /** How many operator commands have been handled (the command list only grows). */
  commandsSeen: number;
  judge?: JudgeState;
  /** Custom checks: each one's latest counted read and bad streak (survives a crash with the memo). */
  checks?: ChecksMemo;
  /** The last decision's reason (repeated once the operation is over). */
  reason?: string;
  /** Last verdict seen, reported with every decision. */
  verdict?: Verdict;
  /** Set once a rollback has been decided; it is never unset. */
  abort?: { cause: AbortCause; reason: string };
  /** Blue-green: when traffic moved to the candidate. */
  switchedAt?: number;
  /** Rolling: instance targets asked for so far. */
  rolling?: { candidate: number; stable: number };
}

export function initialProgress(now: number): Progress {
  return {
    version: 1,
    phase: 'pending',
    stage: 'start',
    stepIndex: 0,
    stepStartedAt: now,
    progressAt: now,
    candidateReady: 0,
    promoteRequested: false,
    commandsSeen: 0,
  };
}

/** Reads a persisted memo; anything that is not a memo of this version starts afresh. */
export function readProgress(raw: unknown, now: number): Progress {
  if (raw && typeof raw === 'object' && (raw as { version?: unknown }).version === 1) {
    return structuredClone(raw as Progress);
  }
  return initialProgress(now);
}
