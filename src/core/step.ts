/**
 * The release engine's decision function: `step(spec, observed, now)` is pure (no I/O, no clock,
 * no randomness). It reads the memo it wrote last time (`observed.progress`), handles operator
 * commands, candidate failure and the progress deadline, dispatches to the strategy, and returns
 * the next actions with the updated memo.
 */
import { isTerminal } from './phase.ts';
import { type Progress, readProgress } from './progress.ts';
import { requestAbort, rollBack } from './rollback.ts';
import type { ReleaseSpec } from './spec.ts';
import { blueGreenStep } from './strategies/blue-green.ts';
import { canaryStep } from './strategies/canary.ts';
import {
  advance,
  analyse,
  analysisWake,
  promoteFully,
  readyOf,
  record,
  type StepContext,
  type StrategyOutcome,
  weightOf,
} from './strategies/context.ts';
import { rollingUpdateStep } from './strategies/rolling.ts';
import type { Action, Decision, Observed } from './types.ts';

export function step(spec: ReleaseSpec, observed: Observed, now: number): Decision {
  const memo = readProgress(observed.progress, now);
  if (isTerminal(memo.phase)) {
    return {
      phase: memo.phase,
      actions: [],
      reason: memo.reason ?? `operation finished: ${memo.phase}`,
      progress: memo,
      verdict: memo.verdict,
    };
  }
  const candidate = spec.revision ?? spec.release;
  const stable = observed.stable === candidate ? undefined : observed.stable;
  const ctx: StepContext = { spec, observed, now, memo, candidate, stable };
  // Set again by `analyse` when this decision looks at the checks; the engine reads them only then.
  if (memo.checks) memo.checks.wanted = false;
  const pre: Action[] = [];
  if (memo.phase === 'pending')
    pre.push(record(ctx, 'started', `release ${spec.release} (${spec.strategy.kind})`));
  pre.push(...handleCommands(ctx));

  const cand = observed.revisions.find((r) => r.release === candidate);
  if (cand?.failed) requestAbort(ctx, 'candidate-failed', `candidate failed: ${cand.failed}`);
  // A candidate that was up and has vanished (deleted by hand, lost with its node) is not trusted again.
  if (!cand && memo.candidateReady > 0) {
    requestAbort(ctx, 'candidate-failed', `candidate revision ${candidate} has disappeared`);
  }
  const ready = readyOf(ctx, candidate);
  if (ready > memo.candidateReady) memo.progressAt = now;
  memo.candidateReady = ready;

  let out = memo.abort ? undefined : decide(ctx);
  if (out?.waitingOnTarget && now - memo.progressAt >= spec.progressDeadlineMs) {
    requestAbort(ctx, 'deadline', `no progress for ${spec.progressDeadlineMs} ms (${out.reason})`);
    out = undefined;
  } else if (out && !out.waitingOnTarget) {
    // The deadline measures time spent waiting on the target, not deliberate waits (pauses, analysis).
    memo.progressAt = now;
  }
  if (!out) out = abortOutcome(ctx);
  if (out.waitingOnTarget) out.wakeAt = minTime(out.wakeAt, memo.progressAt + spec.progressDeadlineMs);

  memo.phase = out.phase;
  memo.reason = out.reason;
  return {
    phase: out.phase,
    actions: [...pre, ...out.actions],
    reason: out.reason,
    wakeAt: isTerminal(out.phase) ? undefined : out.wakeAt,
    progress: memo,
    verdict: memo.verdict,
  };
}

function decide(ctx: StepContext): StrategyOutcome | undefined {
  const { spec, memo, stable, candidate } = ctx;
  const strategy = spec.strategy;
  const serving = weightOf(ctx, candidate) > 0;
  const continuous =
    stable !== undefined &&
    (strategy.kind === 'rolling' || (strategy.kind === 'canary' && strategy.continuousAnalysis));

  if (memo.pausedAt !== undefined) {
    // An operator pause freezes progress, not protection: a failing canary still rolls back.
    if (continuous && serving && analyse(ctx).kind === 'fail') {
      requestAbort(ctx, 'analysis', `analysis failed: ${memo.verdict?.reasons.join('; ')}`);
      return undefined;
    }
    return {
      phase: 'paused',
      actions: [],
      reason: 'paused by operator; resume, promote or abort',
      wakeAt: continuous && serving ? analysisWake(ctx) : undefined,
    };
  }
  // A first release has nobody to compare with or protect: bring it up and route to it.
  if (stable === undefined) return promoteFully(ctx, 'first release');
  if (strategy.kind === 'rolling' && serving && !memo.promoteRequested && analyse(ctx).kind === 'fail') {
    requestAbort(ctx, 'analysis', `analysis failed: ${memo.verdict?.reasons.join('; ')}`);
    return undefined;
  }
  const out =
    strategy.kind === 'canary'
      ? canaryStep(ctx, strategy)
      : strategy.kind === 'blue-green'
        ? blueGreenStep(ctx, strategy)
        : rollingUpdateStep(ctx, strategy);
  if (out && continuous && serving && out.phase !== 'promoted')
    out.wakeAt = minTime(out.wakeAt, analysisWake(ctx));
  return out;
}

/** Operator commands not yet handled, in the order they were sent. */
function handleCommands(ctx: StepContext): Action[] {
  const { memo, now } = ctx;
  const fresh = ctx.observed.commands.slice(memo.commandsSeen);
  memo.commandsSeen = ctx.observed.commands.length;
  const actions: Action[] = [];
  for (const c of fresh) {
    if (c.kind === 'abort')
      requestAbort(ctx, 'operator', `aborted by operator${c.reason ? `: ${c.reason}` : ''}`);
    if (c.kind === 'promote' && !c.full && atPauseStep(ctx)) {
      // The manual gate opens: the steps after the pause still run (analysis included).
      advance(ctx);
      memo.pausedAt = undefined;
      actions.push(record(ctx, 'step', 'promoted past the pause by operator'));
    } else if (c.kind === 'promote') memo.promoteRequested = true;
    if (c.kind === 'pause' && memo.pausedAt === undefined) {
      memo.pausedAt = now;
      actions.push(record(ctx, 'paused', 'paused by operator'));
    }
    if (c.kind === 'resume' && memo.pausedAt !== undefined) {
      // Time spent paused does not count against a timed step or the progress deadline.
      memo.stepStartedAt += now - memo.pausedAt;
      memo.progressAt = now;
      memo.pausedAt = undefined;
      actions.push(record(ctx, 'resumed', 'resumed by operator'));
    }
  }
  // Promote and abort end a pause: the operator has decided.
  if ((memo.promoteRequested || memo.abort) && memo.pausedAt !== undefined) memo.pausedAt = undefined;
  return actions;
}

/** A canary waiting at one of its pause steps (timed or until promoted). */
function atPauseStep(ctx: StepContext): boolean {
  const { strategy } = ctx.spec;
  const { memo } = ctx;
  return (
    strategy.kind === 'canary' &&
    memo.stage === 'steps' &&
    !memo.promoteRequested &&
    strategy.steps[memo.stepIndex]?.kind === 'pause'
  );
}

function abortOutcome(ctx: StepContext): StrategyOutcome {
  const out = rollBack(ctx);
  const { memo, now, spec } = ctx;
  if (
    out.phase === 'aborting' &&
    memo.phase === 'aborting' &&
    now - memo.progressAt >= spec.progressDeadlineMs
  ) {
    return {
      phase: 'failed',
      actions: [record(ctx, 'failed', `${memo.abort?.reason}; stable never became ready again`)],
      reason: `rollback stuck: stable revision ${ctx.stable} has no ready instance after ${spec.progressDeadlineMs} ms`,
    };
  }
  if (out.phase === 'aborting' && memo.phase !== 'aborting') memo.progressAt = now;
  return out;
}

function minTime(a: number | undefined, b: number): number {
  return a === undefined ? b : Math.min(a, b);
}

/** How a finished operation ended: `aborted` when an operator's abort caused the rollback. */
export function outcomeOf(decision: Decision): 'promoted' | 'rolled-back' | 'failed' | 'aborted' {
  if (decision.phase === 'promoted') return 'promoted';
  if (decision.phase === 'failed') return 'failed';
  return (decision.progress as Progress | undefined)?.abort?.cause === 'operator' ? 'aborted' : 'rolled-back';
}
