/**
 * What a notification says: one release event with its explanation. `noticesOf` turns an engine
 * decision into the events people are told about (started, a step passed, paused for approval,
 * promoted, rolled back, failed). Pure.
 */
import type { NotifyEvent } from '../config/schema/notifications.ts';
import { type Decision, outcomeReasons } from '../core/decision.ts';
import { isTerminal } from '../core/phase.ts';
import type { LedgerEvent } from '../core/types.ts';
import { foldReasons } from '../explain/fold.ts';

export interface ReleaseNotice {
  event: NotifyEvent;
  service: string;
  environment: string;
  release: number;
  digest: string;
  strategy: string;
  /** Engine clock, ms since epoch. */
  at: number;
  /** The explanation on one line (what `history` shows). */
  text: string;
  /** The whole explanation, one reason per entry (what `slipway why` tells). */
  reasons: string[];
  /** How the release ended, on promoted / rolled-back / failed. */
  outcome?: 'promoted' | 'rolled-back' | 'aborted' | 'failed';
  weights?: Record<string, number>;
  /** The verdict's numbers behind a rollback or a passed analysis step. */
  evidence?: Record<string, number>;
}

/** A notice before the release's record is looked up; `release` is unknown for a memo-only decision. */
export type NoticeDraft = Omit<
  ReleaseNotice,
  'service' | 'environment' | 'digest' | 'strategy' | 'release'
> & {
  release?: number;
};

const KIND: Partial<Record<LedgerEvent['kind'], NotifyEvent>> = {
  started: 'started',
  step: 'step',
  analysis: 'step',
  paused: 'paused',
  promoted: 'promoted',
  aborted: 'rolled-back',
  'rolled-back': 'rolled-back',
  failed: 'failed',
};

/**
 * The events in one decision: its ledger lines, plus "paused for approval" when the release enters
 * a pause that waits (a canary at `pause: {}` records no line of its own).
 */
export function noticesOf(decision: Decision, previous: Decision | undefined, now: number): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  for (const effect of decision.effects) {
    if (effect.kind !== 'record') continue;
    const e = effect.event;
    const event = KIND[e.kind];
    if (!event) continue;
    const verdict =
      e.verdict ?? (event === 'rolled-back' || event === 'failed' ? decision.verdict : undefined);
    // How a release ended is told with the reasons its record keeps, so the text is the one
    // `history`, `status`, `why` and the dashboard show (`headline` in src/explain/story.ts).
    const ends = e.kind !== 'step' && e.kind !== 'analysis' && e.kind !== 'started' && e.kind !== 'paused';
    const reasons =
      ends && isTerminal(decision.phase)
        ? outcomeReasons(decision)
        : [e.reason, ...(event === 'step' || !verdict ? [] : verdict.reasons)];
    const notice: NoticeDraft = { event, release: e.release, at: e.at, text: foldReasons(reasons), reasons };
    if (e.kind === 'promoted') notice.outcome = 'promoted';
    if (e.kind === 'rolled-back') notice.outcome = 'rolled-back';
    if (e.kind === 'aborted') notice.outcome = 'aborted';
    if (e.kind === 'failed') notice.outcome = 'failed';
    if (e.weights) notice.weights = e.weights;
    if (verdict && Object.keys(verdict.evidence).length > 0) notice.evidence = verdict.evidence;
    out.push(notice);
  }
  const paused = atGate(decision) && !(previous && atGate(previous));
  if (paused && !out.some((n) => n.event === 'paused')) {
    out.push({
      event: 'paused',
      at: now,
      text: `waiting for approval: ${decision.reason}`,
      reasons: [decision.reason],
    });
  }
  return out;
}

/** Waiting for a person: the core says so (`awaiting: 'operator'`: a `pause: {}` step, a manual blue-green promotion, an operator pause). */
export function atGate(d: Decision): boolean {
  return d.awaiting === 'operator';
}
