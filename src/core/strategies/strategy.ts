/**
 * What a strategy is: a pair of pure functions over a read-only view of the release. `look` says
 * whether this decision judges the candidate (the evidence is then gathered once, before `decide`
 * runs); `decide` maps the view, the strategy's typed memo and that evidence to a value — the new
 * memo and an outcome (act, wait or abort, with the rule that fired). Nothing is written in place.
 */
import type { Evidence, Look } from '../evidence.ts';
import type { Memo, StrategyMemo } from '../memo.ts';
import type { Outcome } from '../outcome.ts';
import type { Strategy } from '../spec.ts';
import type { ReleaseView } from '../view.ts';

export interface StrategyInput<S extends Strategy, M extends StrategyMemo> {
  view: ReleaseView;
  strategy: S;
  memo: Memo<M>;
  /** This decision's look at the candidate, present exactly when `look` asked for one. */
  evidence: Evidence | undefined;
}

export interface StrategyResult<M extends StrategyMemo> {
  memo: Memo<M>;
  outcome: Outcome;
}

export interface StrategyRules<S extends Strategy, M extends StrategyMemo> {
  /** Analysis runs whenever the candidate serves (also while an operator pause holds the release). */
  continuous(strategy: S): boolean;
  /** Does this decision judge the candidate, and is the time to gather evidence over? */
  look(view: ReleaseView, strategy: S, memo: Memo<M>): Look | undefined;
  decide(input: StrategyInput<S, M>): StrategyResult<M>;
  /**
   * An operator's plain `promote` at a manual gate (a canary's pause step): the memo past the gate,
   * or undefined when the release is not at one (the promote then finishes the release).
   */
  openGate?(view: ReleaseView, strategy: S, memo: Memo<M>): Memo<M> | undefined;
}
