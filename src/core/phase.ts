/**
 * Phases of one release operation, with an explicit order and a `worst()` combiner (Argo Rollouts'
 * `Worst(a, b)` idea): combining the phases of many things is one fold, and the result is never
 * better than its worst part.
 */
import type { Phase, VerdictKind } from './types.ts';

/** From "nothing happened yet" to "ended badly"; a later phase is worse when combining. */
export const PHASE_ORDER: readonly Phase[] = [
  'pending',
  'progressing',
  'paused',
  'analysing',
  'promoting',
  'promoted',
  'aborting',
  'rolled-back',
  'failed',
];

/** Phases after which `step` decides nothing more: the operation is over. */
export const TERMINAL_PHASES: readonly Phase[] = ['promoted', 'rolled-back', 'failed'];

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

export function phaseRank(phase: Phase): number {
  return PHASE_ORDER.indexOf(phase);
}

/** The worse of two phases: `worst('promoted', 'failed') === 'failed'`. */
export function worst(a: Phase, b: Phase): Phase {
  return phaseRank(b) > phaseRank(a) ? b : a;
}

const VERDICT_ORDER: readonly VerdictKind[] = ['pass', 'inconclusive', 'fail'];

/** The worse of two verdict kinds: `fail` beats `inconclusive` beats `pass`. */
export function worstVerdict(a: VerdictKind, b: VerdictKind): VerdictKind {
  return VERDICT_ORDER.indexOf(b) > VERDICT_ORDER.indexOf(a) ? b : a;
}
