/**
 * Blue-green: the candidate comes up at full capacity beside stable and takes no user traffic
 * (preview only); optional pre-promotion analysis judges it through the preview; the cutover is one
 * `set-traffic`; the old revision then stays at full capacity for `scaleDownDelayMs`, so a rollback
 * during that window is a single switch back, and is retired afterwards.
 *
 * Stages: `deploy` → (`preview`) → `ready` → `switched` → promoted.
 */
import { splitWeights } from '../capacity.ts';
import { analysisWake, type Look } from '../evidence.ts';
import { type BlueGreenMemo, enterStage, type Memo } from '../memo.ts';
import { abort, type Outcome, proceed, wait } from '../outcome.ts';
import type { BlueGreenStrategy } from '../spec.ts';
import type { Effect } from '../types.ts';
import { ensure, promoteRoute, type ReleaseView, readyOf, record, retire, route } from '../view.ts';
import type { StrategyInput, StrategyResult, StrategyRules } from './strategy.ts';

type Result = StrategyResult<BlueGreenMemo>;

export const blueGreen: StrategyRules<BlueGreenStrategy, BlueGreenMemo> = {
  continuous: () => false,
  look,
  decide,
};

/** Pre-promotion analysis judges the ready candidate through its preview, until the progress deadline. */
function look(view: ReleaseView, strategy: BlueGreenStrategy, memo: Memo<BlueGreenMemo>): Look | undefined {
  const { stage } = memo.strategy;
  if (!strategy.prePromotionAnalysis || memo.operator.promote) return undefined;
  if ((stage !== 'deploy' && stage !== 'preview') || readyOf(view, view.candidate) < view.spec.replicas) {
    return undefined;
  }
  // The decision that sees the candidate ready enters the preview and judges it at once.
  if (stage === 'deploy') return { deadlineReached: false, since: view.now };
  const since = memo.stageStartedAt;
  return { deadlineReached: view.now >= since + view.spec.progressDeadlineMs, since };
}

function decide({ view, strategy, memo, evidence }: StrategyInput<BlueGreenStrategy, BlueGreenMemo>): Result {
  const { spec, candidate, now } = view;
  if (memo.strategy.stage === 'switched')
    return { memo, outcome: afterSwitch(view, strategy, memo.strategy) };

  const effects: Effect[] = ensure(view, candidate, spec.replicas);
  const ready = readyOf(view, candidate);
  if (ready < spec.replicas) {
    const why = `waiting for the candidate at full capacity (${ready}/${spec.replicas} ready)`;
    return {
      memo,
      outcome: proceed('progressing', 'blue-green.capacity', why, effects, { awaiting: 'target' }),
    };
  }
  let m = memo;
  if (m.strategy.stage === 'deploy') {
    // Not `enterStage`: the look this decision took was for the preview it enters now.
    const stage = strategy.prePromotionAnalysis ? 'preview' : 'ready';
    m = { ...m, stageStartedAt: now, progressAt: now, strategy: { kind: 'blue-green', stage } };
  }
  if (m.strategy.stage === 'preview' && !m.operator.promote) {
    const v = evidence?.verdict;
    if (!v) throw new Error('blue-green: the preview was decided without evidence (look/decide disagree)');
    const until = m.stageStartedAt + spec.progressDeadlineMs;
    if (v.kind === 'fail') {
      const why = `pre-promotion analysis failed: ${v.reasons.join('; ')}`;
      return { memo: m, outcome: abort('analysis', 'blue-green.preview.fail', why) };
    }
    if (v.kind === 'inconclusive') {
      if (now >= until) {
        const why = `pre-promotion analysis inconclusive after ${spec.progressDeadlineMs} ms`;
        return { memo: m, outcome: abort('analysis', 'blue-green.preview.deadline', why) };
      }
      // The preview's only bound is the progress deadline (it gets no user traffic, only what is
      // sent to the preview): the no-data policy applies there, so the line says when that is.
      const left = Math.ceil((until - now) / 1000);
      const why = `previewing the candidate (progress deadline in ${left} s): ${v.reasons.join('; ')}`;
      const more = { awaiting: 'evidence' as const, wakeAt: analysisWake(view, until) };
      return { memo: m, outcome: proceed('analysing', 'blue-green.preview.waiting', why, effects, more) };
    }
    m = enterStage({ ...m, strategy: { kind: 'blue-green', stage: 'ready' } }, now);
    effects.push(
      record(view, 'analysis', `pre-promotion analysis passed: ${v.reasons.join('; ')}`, { verdict: v }),
    );
  }
  if (!strategy.autoPromote && !m.operator.promote) {
    const why = 'candidate ready at full capacity; waiting for promote';
    return {
      memo: m,
      outcome: proceed('paused', 'blue-green.ready', why, effects, { awaiting: 'operator' }),
    };
  }
  return cutover(view, strategy, m, effects);
}

/** Every user moves in one switch; stable stays up for the scale-down delay, then is retired. */
function cutover(
  view: ReleaseView,
  strategy: BlueGreenStrategy,
  memo: Memo<BlueGreenMemo>,
  effects: Effect[],
): Result {
  const { candidate, stable, now } = view;
  const switched = enterStage(
    { ...memo, strategy: { kind: 'blue-green', stage: 'switched', switchedAt: now } },
    now,
  );
  const why = `${memo.operator.promote ? 'promoted by operator' : 'candidate ready'}: cutover to the candidate`;
  const weights = splitWeights(stable, candidate, 100);
  if (stable !== undefined && strategy.scaleDownDelayMs > 0) {
    // Stable stays the stable revision until the delay is over: a rollback is one switch back.
    const until = now + strategy.scaleDownDelayMs;
    const more = { awaiting: 'time' as const, wakeAt: until };
    const outcome = proceed(
      'promoting',
      'blue-green.cutover',
      keeping(view, until),
      [...effects, ...route(view, weights, why)],
      more,
    );
    return { memo: switched, outcome };
  }
  return { memo: switched, outcome: complete(view, [...effects, ...promoteRoute(view, weights, why)]) };
}

function afterSwitch(view: ReleaseView, strategy: BlueGreenStrategy, memo: BlueGreenMemo): Outcome {
  const until = (memo.switchedAt ?? view.now) + strategy.scaleDownDelayMs;
  if (view.stable !== undefined && view.now < until) {
    return wait('promoting', 'blue-green.scale-down-delay', keeping(view, until), 'time', until);
  }
  const weights = splitWeights(view.stable, view.candidate, 100);
  return complete(view, promoteRoute(view, weights, 'blue-green cutover complete'));
}

function complete(view: ReleaseView, effects: Effect[]): Outcome {
  const { stable } = view;
  return proceed('promoted', 'blue-green.done', 'blue-green cutover complete: promoted', [
    ...effects,
    ...(stable === undefined ? [] : [retire(view, stable)]),
    record(view, 'promoted', 'blue-green cutover complete'),
  ]);
}

function keeping(view: ReleaseView, until: number): string {
  return `cut over; keeping release ${view.stable} for ${Math.round((until - view.now) / 1000)} s for an instant rollback`;
}
