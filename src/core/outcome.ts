/**
 * What a rule answers for this instant: act (effects to apply), wait (nothing to do until the target,
 * a timer, an operator or more evidence moves), or abort (roll back, with why). Every answer names
 * the rule that gave it, so a journal of decisions can say which rule fired on which evidence.
 */
import type { AbortCause, Awaiting, Effect, Phase } from './types.ts';

/** Every rule that can decide, by where it lives. */
export type Rule =
  // step.ts: the frame around every strategy
  | 'finished'
  | 'operator.paused'
  | 'operator.paused.analysis-failed'
  | 'operator.abort'
  | 'candidate.failed'
  | 'candidate.vanished'
  | 'deadline.no-progress'
  // strategies/promote.ts: the shared full promotion
  | 'promote.capacity'
  | 'promote.done'
  // strategies/canary.ts
  | 'canary.weight.capacity'
  | 'canary.weight.set'
  | 'canary.pause.until-promoted'
  | 'canary.pause.timed'
  | 'canary.pause.over'
  | 'canary.analysis.pass'
  | 'canary.analysis.waiting'
  | 'canary.analysis.fail'
  | 'canary.analysis.deadline'
  | 'canary.await-pass'
  | 'canary.await-pass.deadline'
  // strategies/blue-green.ts
  | 'blue-green.capacity'
  | 'blue-green.preview.waiting'
  | 'blue-green.preview.fail'
  | 'blue-green.preview.deadline'
  | 'blue-green.ready'
  | 'blue-green.cutover'
  | 'blue-green.scale-down-delay'
  | 'blue-green.done'
  // strategies/rolling.ts
  | 'rolling.analysis.fail'
  | 'rolling.roll'
  // rollback.ts
  | 'rollback.done'
  | 'rollback.waiting-for-stable'
  | 'rollback.stuck'
  | 'rollback.first-release'
  | 'rollback.stable-gone';

export interface Act {
  kind: 'act';
  phase: Phase;
  rule: Rule;
  reason: string;
  effects: Effect[];
  /** After these effects, the release waits for this (the progress deadline runs while it is `target`). */
  awaiting?: Awaiting;
  wakeAt?: number;
}

export interface Wait {
  kind: 'wait';
  phase: Phase;
  rule: Rule;
  reason: string;
  awaiting: Awaiting;
  wakeAt?: number;
}

export interface Abort {
  kind: 'abort';
  cause: AbortCause;
  rule: Rule;
  reason: string;
}

export type Outcome = Act | Wait | Abort;

interface More {
  awaiting?: Awaiting;
  wakeAt?: number | undefined;
}

/**
 * An answer that moves the release: `act` when there is something to apply, else a `wait` for
 * `awaiting` (default: time, a timer or the next look).
 */
export function proceed(
  phase: Phase,
  rule: Rule,
  reason: string,
  effects: Effect[],
  more: More = {},
): Act | Wait {
  const wakeAt = more.wakeAt === undefined ? {} : { wakeAt: more.wakeAt };
  if (effects.length === 0)
    return { kind: 'wait', phase, rule, reason, awaiting: more.awaiting ?? 'time', ...wakeAt };
  return {
    kind: 'act',
    phase,
    rule,
    reason,
    effects,
    ...(more.awaiting ? { awaiting: more.awaiting } : {}),
    ...wakeAt,
  };
}

export function wait(phase: Phase, rule: Rule, reason: string, awaiting: Awaiting, wakeAt?: number): Wait {
  return { kind: 'wait', phase, rule, reason, awaiting, ...(wakeAt === undefined ? {} : { wakeAt }) };
}

export function abort(cause: AbortCause, rule: Rule, reason: string): Abort {
  return { kind: 'abort', cause, rule, reason };
}

export function effectsOf(out: Outcome): Effect[] {
  return out.kind === 'act' ? out.effects : [];
}

export function waitsOnTarget(out: Outcome): boolean {
  return out.kind !== 'abort' && out.awaiting === 'target';
}

/** The earlier of an outcome's wake-up and `at`. */
export function wakeNoLaterThan<T extends Act | Wait>(out: T, at: number): T {
  return { ...out, wakeAt: out.wakeAt === undefined ? at : Math.min(out.wakeAt, at) };
}
