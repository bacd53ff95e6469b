/**
 * Rolling back an operation in flight (a failing verdict, a failed candidate, the progress deadline
 * or an operator's abort). The rule the whole product rests on: the candidate's weight goes to 0 in
 * the same `set-traffic` that gives stable 100, then the candidate is retired.
 */
import type { Memo } from './memo.ts';
import { type Act, proceed, type Wait } from './outcome.ts';
import type { Effect } from './types.ts';
import {
  desiredOf,
  ensure,
  type ReleaseView,
  readyOf,
  record,
  retire,
  route,
  routeTo,
  weightOf,
} from './view.ts';

/** The rollback's answer for this instant, and the memo after it. */
export function rollBack(view: ReleaseView, memo: Memo): { memo: Memo; outcome: Act | Wait } {
  const out = rollbackStep(view, memo);
  if (out.phase !== 'aborting') return { memo, outcome: out };
  const { now, spec } = view;
  if (memo.phase === 'aborting' && now - memo.progressAt >= spec.progressDeadlineMs) {
    const effects = [record(view, 'failed', `${memo.abort?.reason}; stable never became ready again`)];
    const why = `rollback stuck: stable revision ${view.stable} has no ready instance after ${spec.progressDeadlineMs} ms`;
    return { memo, outcome: proceed('failed', 'rollback.stuck', why, effects) };
  }
  // The wait for stable to come back is measured from when the rollback began.
  return { memo: memo.phase === 'aborting' ? memo : { ...memo, progressAt: now }, outcome: out };
}

function rollbackStep(view: ReleaseView, memo: Memo): Act | Wait {
  const { spec, candidate, stable } = view;
  const why = memo.abort?.reason ?? 'rollback';
  const kind = memo.abort?.cause === 'operator' ? 'aborted' : 'rolled-back';

  if (stable === undefined) {
    // A first deploy has nothing to return to: stop routing to the candidate and remove it.
    const effects = [
      ...(weightOf(view, candidate) > 0
        ? routeTo(view, {}, `${why}: no previous release to serve`, undefined)
        : []),
      retire(view, candidate),
      record(view, 'failed', `${why}; there is no previous release to roll back to`),
    ];
    return proceed(
      'failed',
      'rollback.first-release',
      `${why}; first release, nothing to roll back to`,
      effects,
    );
  }
  if (desiredOf(view, stable) === undefined) {
    const effects = [record(view, 'failed', `${why}; stable revision ${stable} is gone`)];
    const reason = `${why}; stable revision ${stable} no longer exists, traffic left as it is`;
    return proceed('failed', 'rollback.stable-gone', reason, effects);
  }
  // Stable may have been scaled down by a rolling update: bring it back before it takes traffic.
  const effects: Effect[] = ensure(view, stable, Math.max(spec.replicas, desiredOf(view, stable) ?? 0));
  const ready = readyOf(view, stable);
  if (ready <= 0) {
    const reason = `${why}: waiting for stable revision ${stable} to have a ready instance`;
    return proceed('aborting', 'rollback.waiting-for-stable', reason, effects, { awaiting: 'target' });
  }
  const weights = { [String(stable)]: 100, [String(candidate)]: 0 };
  effects.push(
    ...route(view, weights, `${why}: all traffic back to ${stable}`),
    retire(view, candidate),
    record(view, kind, why, { weights }),
  );
  return proceed('rolled-back', 'rollback.done', `${why}: rolled back to release ${stable}`, effects);
}
