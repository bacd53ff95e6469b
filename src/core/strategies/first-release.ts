/** A first release has nobody to compare with or protect: bring it up and route to it. */
import type { FirstReleaseMemo } from '../memo.ts';
import type { Strategy } from '../spec.ts';
import { promoteFully } from './promote.ts';
import type { StrategyRules } from './strategy.ts';

export const firstRelease: StrategyRules<Strategy, FirstReleaseMemo> = {
  continuous: () => false,
  look: () => undefined,
  decide: ({ view, memo }) => ({ memo, outcome: promoteFully(view, 'first release') }),
};
