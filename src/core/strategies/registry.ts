/**
 * The strategies by the kind of their memo: a new strategy is one file and one line here. A first
 * release (no stable revision) runs `first-release` whatever the spec's strategy is.
 */
import type { Evidence, Look } from '../evidence.ts';
import type { Memo } from '../memo.ts';
import type { Strategy } from '../spec.ts';
import type { ReleaseView } from '../view.ts';
import { blueGreen } from './blue-green.ts';
import { canary } from './canary.ts';
import { firstRelease } from './first-release.ts';
import { rolling } from './rolling.ts';
import type { StrategyResult, StrategyRules } from './strategy.ts';

const REGISTRY = {
  canary,
  'blue-green': blueGreen,
  rolling,
  'first-release': firstRelease,
} as const;

/** One strategy's rules, bound to the release's strategy spec and memo kind. */
export interface BoundRules {
  continuous: boolean;
  look(view: ReleaseView, memo: Memo): Look | undefined;
  decide(view: ReleaseView, memo: Memo, evidence: Evidence | undefined): StrategyResult<Memo['strategy']>;
  openGate(view: ReleaseView, memo: Memo): Memo | undefined;
}

export function rulesFor(strategy: Strategy, kind: Memo['strategy']['kind']): BoundRules {
  // `readMemo` only returns a memo whose kind is the spec's strategy (or `first-release`), so the
  // strategy spec and memo handed to the rules below always belong together.
  const rules = REGISTRY[kind] as unknown as StrategyRules<Strategy, Memo['strategy']>;
  return {
    continuous: rules.continuous(strategy),
    look: (view, memo) => rules.look(view, strategy, memo),
    decide: (view, memo, evidence) => rules.decide({ view, strategy, memo, evidence }),
    openGate: (view, memo) => rules.openGate?.(view, strategy, memo),
  };
}
