/**
 * The release engine's decision function: `step(spec, observed, now)` is pure (no I/O, no clock,
 * no randomness). It reads the memo it wrote last time, handles operator commands and the candidate's
 * health, gathers the evidence once when the strategy (or a pause) judges the candidate, lets the
 * strategy decide, applies the progress deadline, turns an abort into the rollback, and returns the
 * next effects with the new memo and the rule that fired.
 */
import type { Decision } from './decision.ts';
import { analysisWake, type Evidence, gatherEvidence, type Look } from './evidence.ts';
import { type Memo, readMemo, withAbort } from './memo.ts';
import { applyCommands } from './operator.ts';
import { type Act, abort, effectsOf, type Outcome, type Wait, wait, waitsOnTarget } from './outcome.ts';
import { isTerminal } from './phase.ts';
import { rollBack } from './rollback.ts';
import type { ReleaseSpec } from './spec.ts';
import { type BoundRules, rulesFor } from './strategies/registry.ts';
import type { Effect, Observed } from './types.ts';
import { type ReleaseView, readyOf, record, serving, viewOf } from './view.ts';

export function step(spec: ReleaseSpec, observed: Observed, now: number): Decision {
  const view = viewOf(spec, observed, now);
  const last = readMemo(observed.progress, spec, view.stable === undefined, now);
  if (isTerminal(last.phase)) return finished(last);
  const rules = rulesFor(spec.strategy, last.strategy.kind);

  const started: Effect[] = [];
  if (last.phase === 'pending')
    started.push(record(view, 'started', `release ${spec.release} (${spec.strategy.kind})`));
  const commands = applyCommands(view, last, (m) => rules.openGate(view, m));
  // The checks are wanted again only if this decision looks at them.
  let memo = watchCandidate(view, commands.memo);
  memo = { ...memo, analysis: { ...memo.analysis, wantsChecks: false } };

  const look = memo.abort ? undefined : lookFor(view, memo, rules);
  const evidence = look ? gatherEvidence(view, memo.analysis, look) : undefined;
  if (evidence) memo = { ...memo, analysis: evidence.analysis };

  const decided = memo.abort ? undefined : decideFor(view, memo, rules, evidence);
  const settled = settle(view, decided?.memo ?? memo, decided?.outcome);
  return compile(view, settled.memo, settled.outcome, [...started, ...commands.effects], !!evidence);
}

/** The strategy's answer, unless it aborted or waited on the target past the deadline: then the rollback's. */
function settle(
  view: ReleaseView,
  memo: Memo,
  outcome: Outcome | undefined,
): { memo: Memo; outcome: Act | Wait } {
  const { now, spec } = view;
  if (!outcome) return rollBack(view, memo);
  if (outcome.kind === 'abort') {
    return rollBack(
      view,
      withAbort(memo, { cause: outcome.cause, reason: outcome.reason, rule: outcome.rule }),
    );
  }
  if (!waitsOnTarget(outcome)) {
    // The deadline measures time spent waiting on the target, not deliberate waits (pauses, analysis).
    return { memo: { ...memo, progressAt: now }, outcome };
  }
  if (now - memo.progressAt >= spec.progressDeadlineMs) {
    const reason = `no progress for ${spec.progressDeadlineMs} ms (${outcome.reason})`;
    return rollBack(view, withAbort(memo, { cause: 'deadline', reason, rule: 'deadline.no-progress' }));
  }
  return { memo, outcome };
}

/** A candidate that failed, or that was up and has vanished (deleted by hand, lost with its node), is not trusted again. */
function watchCandidate(view: ReleaseView, memo: Memo): Memo {
  const { candidate, now } = view;
  const cand = view.observed.revisions.find((r) => r.release === candidate);
  let m = memo;
  if (cand?.failed) {
    m = withAbort(m, {
      cause: 'candidate-failed',
      reason: `candidate failed: ${cand.failed}`,
      rule: 'candidate.failed',
    });
  }
  if (!cand && m.candidateReady > 0) {
    const reason = `candidate revision ${candidate} has disappeared`;
    m = withAbort(m, { cause: 'candidate-failed', reason, rule: 'candidate.vanished' });
  }
  const ready = readyOf(view, candidate);
  return { ...m, candidateReady: ready, ...(ready > m.candidateReady ? { progressAt: now } : {}) };
}

/** An operator pause freezes progress, not protection: continuous analysis still judges a serving candidate. */
function lookFor(view: ReleaseView, memo: Memo, rules: BoundRules): Look | undefined {
  if (memo.operator.pausedAt === undefined) return rules.look(view, memo);
  return rules.continuous && serving(view)
    ? { deadlineReached: false, since: memo.stageStartedAt }
    : undefined;
}

function decideFor(
  view: ReleaseView,
  memo: Memo,
  rules: BoundRules,
  evidence: Evidence | undefined,
): { memo: Memo; outcome: Outcome } {
  if (memo.operator.pausedAt === undefined) return rules.decide(view, memo, evidence);
  const verdict = evidence?.verdict;
  if (verdict?.kind === 'fail') {
    const why = `analysis failed: ${verdict.reasons.join('; ')}`;
    return { memo, outcome: abort('analysis', 'operator.paused.analysis-failed', why) };
  }
  const watching = rules.continuous && serving(view);
  const why = 'paused by operator; resume, promote or abort';
  return {
    memo,
    outcome: wait('paused', 'operator.paused', why, 'operator', watching ? analysisWake(view) : undefined),
  };
}

function compile(
  view: ReleaseView,
  memo: Memo,
  out: Act | Wait,
  before: Effect[],
  looked: boolean,
): Decision {
  const terminal = isTerminal(out.phase);
  let wakeAt = out.wakeAt;
  if (waitsOnTarget(out)) {
    const deadline = memo.progressAt + view.spec.progressDeadlineMs;
    wakeAt = wakeAt === undefined ? deadline : Math.min(wakeAt, deadline);
  }
  const next: Memo = { ...memo, phase: out.phase, reason: out.reason, rule: out.rule };
  return {
    phase: out.phase,
    rule: out.rule,
    effects: [...before, ...effectsOf(out)],
    reason: out.reason,
    ...(terminal || out.awaiting === undefined ? {} : { awaiting: out.awaiting }),
    ...(terminal || wakeAt === undefined ? {} : { wakeAt }),
    memo: next,
    looked,
    ...(next.analysis.verdict ? { verdict: next.analysis.verdict } : {}),
    ...(next.abort ? { abort: next.abort } : {}),
  };
}

function finished(memo: Memo): Decision {
  return {
    phase: memo.phase,
    rule: 'finished',
    effects: [],
    reason: memo.reason ?? `operation finished: ${memo.phase}`,
    memo,
    looked: false,
    ...(memo.analysis.verdict ? { verdict: memo.analysis.verdict } : {}),
    ...(memo.abort ? { abort: memo.abort } : {}),
  };
}
