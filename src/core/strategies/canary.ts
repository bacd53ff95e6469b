/**
 * Canary: ordered steps (set weight, pause, analyse) while stable keeps its full capacity; the
 * candidate runs just the instances its weight needs. Promotion (after the last step, or on the
 * operator's `promote`) is the shared full promotion (`promote.ts`).
 *
 * One decision, top to bottom: `look` says whether this instant judges the candidate (an analysis
 * step, or continuous analysis while it serves); the evidence function (`../evidence.ts`) gathers
 * that verdict once; `decide` turns the step, the memo and the verdict into the next memo and an
 * outcome. The memo is the index of the current step and whether the full promotion has begun.
 */
import { canaryReplicas, splitWeights } from '../capacity.ts';
import { analysisWake, type Look } from '../evidence.ts';
import { type CanaryMemo, enterStage, type Memo } from '../memo.ts';
import { abort, type Outcome, proceed, wait, wakeNoLaterThan } from '../outcome.ts';
import type { CanaryStrategy } from '../spec.ts';
import type { Verdict } from '../types.ts';
import { capacityOf, desiredOf, ensure, type ReleaseView, readyOf, record, route, serving } from '../view.ts';
import { promoteFully } from './promote.ts';
import type { StrategyInput, StrategyResult, StrategyRules } from './strategy.ts';

type Result = StrategyResult<CanaryMemo>;

export const canary: StrategyRules<CanaryStrategy, CanaryMemo> = {
  continuous: (strategy) => strategy.continuousAnalysis,
  look,
  decide,
  openGate,
};

/** An analysis step judges until its deadline; continuous analysis judges whenever the candidate serves. */
function look(view: ReleaseView, strategy: CanaryStrategy, memo: Memo<CanaryMemo>): Look | undefined {
  if (memo.operator.promote) return undefined;
  const current = strategy.steps[memo.strategy.step];
  const since = memo.stageStartedAt;
  if (current?.kind === 'analysis') {
    return { deadlineReached: view.now >= since + current.maxDurationMs, since };
  }
  if (!strategy.continuousAnalysis || !serving(view)) return undefined;
  // Once the steps are done they were the candidate's time to receive traffic: without any, the
  // no-data policy decides now (pass promotes, fail rolls back) instead of at the progress deadline.
  return { deadlineReached: false, noDataDue: current === undefined, since };
}

function decide({ view, strategy, memo, evidence }: StrategyInput<CanaryStrategy, CanaryMemo>): Result {
  const result = decideStep(view, strategy, memo, evidence?.verdict);
  // Continuous analysis: every answer short of promotion looks again after one analysis interval.
  const out = result.outcome;
  if (!strategy.continuousAnalysis || !serving(view) || out.kind === 'abort' || out.phase === 'promoted') {
    return result;
  }
  return { ...result, outcome: wakeNoLaterThan(out, analysisWake(view)) };
}

function decideStep(
  view: ReleaseView,
  strategy: CanaryStrategy,
  memo: Memo<CanaryMemo>,
  verdict: Verdict | undefined,
): Result {
  if (memo.operator.promote) return promote(memo, promoteFully(view, 'promoted by operator'));
  // One look per decision: an analysis step and continuous analysis share the judge's evidence.
  if (verdict?.kind === 'fail') {
    return {
      memo,
      outcome: abort('analysis', 'canary.analysis.fail', `analysis failed: ${reasons(verdict)}`),
    };
  }
  const n = strategy.steps.length;
  const current = strategy.steps[memo.strategy.step];
  if (!current) {
    const done = `all ${n} canary steps done`;
    // With continuous analysis, finishing the steps is not evidence: promotion needs a pass.
    if (strategy.continuousAnalysis && !memo.strategy.promoting && verdict?.kind !== 'pass') {
      return { memo, outcome: awaitPass(view, memo, done, verdict) };
    }
    return promote(memo, promoteFully(view, done));
  }
  const label = `step ${memo.strategy.step + 1}/${n}`;
  switch (current.kind) {
    case 'weight':
      return weightStep(view, memo, current.weight, label);
    case 'pause': {
      if (current.durationMs === undefined) {
        return {
          memo,
          outcome: wait(
            'paused',
            'canary.pause.until-promoted',
            `${label}: paused until promoted`,
            'operator',
          ),
        };
      }
      const until = memo.stageStartedAt + current.durationMs;
      if (view.now < until) {
        const reason = `${label}: pausing ${Math.round((until - view.now) / 1000)} s more`;
        const wakeAt = strategy.continuousAnalysis && serving(view) ? analysisWake(view, until) : until;
        return { memo, outcome: wait('paused', 'canary.pause.timed', reason, 'time', wakeAt) };
      }
      const effects = [record(view, 'step', `${label}: pause over`)];
      return {
        memo: nextStep(memo, view.now),
        outcome: proceed('progressing', 'canary.pause.over', 'pause over', effects),
      };
    }
    case 'analysis': {
      if (!verdict)
        throw new Error('canary: an analysis step was decided without evidence (look/decide disagree)');
      const until = memo.stageStartedAt + current.maxDurationMs;
      if (verdict.kind === 'pass') {
        const why = `${label}: analysis passed: ${reasons(verdict)}`;
        const effects = [record(view, 'analysis', why, { verdict })];
        return {
          memo: nextStep(memo, view.now),
          outcome: proceed('progressing', 'canary.analysis.pass', why, effects),
        };
      }
      if (view.now >= until) {
        const why = `analysis inconclusive after ${current.maxDurationMs} ms`;
        return { memo, outcome: abort('analysis', 'canary.analysis.deadline', why) };
      }
      const why = `${label}: analysing: ${reasons(verdict)}`;
      return {
        memo,
        outcome: wait('analysing', 'canary.analysis.waiting', why, 'evidence', analysisWake(view, until)),
      };
    }
  }
}

/**
 * Sets the canary's weight. Growing: instances first, traffic once they are ready. Shrinking: traffic
 * first, so no instance is stopped while it still carries its share. Either way the split moves only
 * when both sides have ready instances for it.
 */
function weightStep(view: ReleaseView, memo: Memo<CanaryMemo>, weight: number, label: string): Result {
  const { candidate, stable } = view;
  const need = canaryReplicas(capacityOf(view), weight);
  const ready = readyOf(view, candidate);
  const desired = desiredOf(view, candidate) ?? 0;
  const grow = ensure(view, candidate, need);
  if (ready < need || (weight < 100 && readyOf(view, stable) === 0)) {
    const missing =
      ready < need ? `${need} candidate instance(s) (${ready} ready)` : 'a ready stable instance';
    const why = `${label}: waiting for ${missing} before ${weight}%`;
    const effects = need >= desired ? grow : [];
    return {
      memo,
      outcome: proceed('progressing', 'canary.weight.capacity', why, effects, { awaiting: 'target' }),
    };
  }
  const why = `${label}: ${weight}% of traffic to the candidate`;
  const traffic = [...route(view, splitWeights(stable, candidate, weight), why), record(view, 'step', why)];
  const effects = need < desired ? [...traffic, ...grow] : [...grow, ...traffic];
  return {
    memo: nextStep(memo, view.now),
    outcome: proceed('progressing', 'canary.weight.set', why, effects),
  };
}

/**
 * With continuous analysis, promotion needs a `pass` (enough candidate requests with its failure rate
 * bounded below the maximum), never just "no failure yet". The candidate keeps its last weight while
 * the judge keeps looking; without a pass within the progress deadline (counted from the end of the
 * steps) the release is rolled back.
 */
function awaitPass(
  view: ReleaseView,
  memo: Memo<CanaryMemo>,
  done: string,
  verdict: Verdict | undefined,
): Outcome {
  const { progressDeadlineMs } = view.spec;
  const until = memo.stageStartedAt + progressDeadlineMs;
  const evidence = verdict ? reasons(verdict) : 'the candidate serves no traffic to judge';
  if (view.now >= until) {
    const why = `${done}, but analysis gave no pass within ${progressDeadlineMs} ms: ${evidence}`;
    return abort('analysis', 'canary.await-pass.deadline', why);
  }
  const why = `${done}: waiting for a passing verdict before promotion: ${evidence}`;
  return wait('analysing', 'canary.await-pass', why, 'evidence', analysisWake(view, until));
}

/** The manual gate: an operator's plain promote at a pause step goes on past it. */
function openGate(
  view: ReleaseView,
  strategy: CanaryStrategy,
  memo: Memo<CanaryMemo>,
): Memo<CanaryMemo> | undefined {
  if (memo.strategy.promoting || strategy.steps[memo.strategy.step]?.kind !== 'pause') return undefined;
  return nextStep(memo, view.now);
}

function nextStep(memo: Memo<CanaryMemo>, now: number): Memo<CanaryMemo> {
  return enterStage({ ...memo, strategy: { ...memo.strategy, step: memo.strategy.step + 1 } }, now);
}

/** The full promotion has begun: from now on it continues whatever the verdict short of a fail. */
function promote(memo: Memo<CanaryMemo>, outcome: Outcome): Result {
  return { memo: { ...memo, strategy: { ...memo.strategy, promoting: true } }, outcome };
}

function reasons(verdict: Verdict): string {
  return verdict.reasons.join('; ');
}
