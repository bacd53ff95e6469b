/**
 * The full promotion, shared by a canary (after its steps or on `promote`), a rolling update and a
 * first release: the candidate at full capacity → once ready, all traffic to it in one switch, with
 * the candidate now the stable revision → the old revision retired after draining.
 */
import { splitWeights } from '../capacity.ts';
import { type Outcome, proceed } from '../outcome.ts';
import { capacityOf, ensure, promoteRoute, type ReleaseView, readyOf, record, retire } from '../view.ts';

export function promoteFully(view: ReleaseView, why: string): Outcome {
  const { candidate, stable } = view;
  const full = capacityOf(view);
  const grow = ensure(view, candidate, full);
  const ready = readyOf(view, candidate);
  if (ready < full) {
    const reason = `${why}: waiting for the candidate at full capacity (${ready}/${full} ready)`;
    return proceed('promoting', 'promote.capacity', reason, grow, { awaiting: 'target' });
  }
  const weights = splitWeights(stable, candidate, 100);
  return proceed('promoted', 'promote.done', `${why}: promoted`, [
    ...grow,
    ...promoteRoute(view, weights, `${why}: all traffic to the candidate`),
    ...(stable === undefined ? [] : [retire(view, stable)]),
    record(view, 'promoted', why, { weights }),
  ]);
}
