/**
 * The core's only memory: a plain-JSON memo that `step` returns as `Decision.memo` and gets back as
 * `Observed.progress`. The engine persists it before applying the decision's effects, so a killed
 * process resumes exactly where the last decision left off.
 *
 * The memo is a frame every release shares (phase, clocks, operator state, analysis state, abort)
 * plus one strategy's typed memo. It is parsed on read (`readMemo`): a memo of the previous version
 * is migrated, and anything else starts afresh rather than being trusted by cast.
 */
import { z } from 'zod';
import type { CheckState } from './analysis/checks.ts';
import type { JudgeState } from './analysis/judge.ts';
import { PHASE_ORDER } from './phase.ts';
import type { ReleaseSpec } from './spec.ts';
import type { AbortCause, Phase, Verdict } from './types.ts';

const count = z.number().int().min(0);
const time = z.number().refine(Number.isFinite, 'a finite time');
const verdictKind = z.enum(['pass', 'fail', 'inconclusive']);

/** Canary: the index of the current step; `promoting` once the full promotion has begun. */
const canaryMemo = z.object({ kind: z.literal('canary'), step: count, promoting: z.boolean() });
/** Blue-green: `deploy` → (`preview`) → `ready` → `switched` (at `switchedAt`). */
const blueGreenMemo = z.object({
  kind: z.literal('blue-green'),
  stage: z.enum(['deploy', 'preview', 'ready', 'switched']),
  switchedAt: time.optional(),
});
/** Rolling: the instance targets asked for so far. */
const rollingMemo = z.object({
  kind: z.literal('rolling'),
  targets: z.object({ candidate: count, stable: count }).optional(),
});
/** A first release (nothing to compare with): no state of its own. */
const firstReleaseMemo = z.object({ kind: z.literal('first-release') });

const strategyMemo = z.discriminatedUnion('kind', [canaryMemo, blueGreenMemo, rollingMemo, firstReleaseMemo]);

export type CanaryMemo = z.infer<typeof canaryMemo>;
export type BlueGreenMemo = z.infer<typeof blueGreenMemo>;
export type RollingMemo = z.infer<typeof rollingMemo>;
export type FirstReleaseMemo = z.infer<typeof firstReleaseMemo>;
export type StrategyMemo = z.infer<typeof strategyMemo>;

const memoSchema = z.object({
  version: z.literal(2),
  phase: z.enum(PHASE_ORDER as [Phase, ...Phase[]]),
  /** The last decision's reason and rule (repeated once the operation is over). */
  reason: z.string().optional(),
  rule: z.string().optional(),
  /** When the current stage (canary step, blue-green stage) began; shifted forward by operator pauses. */
  stageStartedAt: time,
  /** Last time the release moved (for the progress deadline). */
  progressAt: time,
  /** Candidate ready instances at the last decision (an increase counts as progress). */
  candidateReady: count,
  operator: z.object({
    /** How many operator commands have been handled (the command list only grows). */
    seen: count,
    /** An operator pause in force, since when. */
    pausedAt: time.optional(),
    /** `promote` (or `promote --full`) asked for the release to finish now. */
    promote: z.boolean(),
  }),
  analysis: z.object({
    /** The last decision judged the candidate and stays in that stage: the engine keeps reading checks. */
    wantsChecks: z.boolean(),
    judge: z.custom<JudgeState>((v) => (v as { version?: unknown } | null)?.version === 1).optional(),
    /** Custom checks: each one's latest counted read and bad streak (survives a crash with the memo). */
    checks: z
      .record(
        z.string(),
        z.custom<CheckState>((v) => typeof v === 'object' && v !== null),
      )
      .optional(),
    /** The last verdict, reported with every decision. */
    verdict: z
      .object({ kind: verdictKind, reasons: z.array(z.string()), evidence: z.record(z.string(), z.number()) })
      .optional(),
  }),
  /** Set once a rollback has been decided; it is never unset. */
  abort: z
    .object({
      cause: z.enum(['operator', 'analysis', 'candidate-failed', 'deadline', 'lock-lost']),
      reason: z.string(),
      /** The rule that decided it (absent in memos of slipway 0.1). */
      rule: z.string().optional(),
    })
    .optional(),
  strategy: strategyMemo,
});

/** The memo of a release run by the strategy whose memo is `S`. */
export type Memo<S extends StrategyMemo = StrategyMemo> = Omit<z.infer<typeof memoSchema>, 'strategy'> & {
  strategy: S;
};
export type AnalysisMemo = Memo['analysis'];
export type AbortMemo = { cause: AbortCause; reason: string; rule?: string };

/** Marks the release as rolling back; the first cause wins. */
export function withAbort<M extends Memo>(memo: M, abort: AbortMemo): M {
  return memo.abort ? memo : { ...memo, abort };
}

/**
 * The memo as a new stage (canary step, blue-green stage) begins now: its clock restarts, it counts
 * as progress, and the checks the last stage wanted are not wanted any more until the new one looks.
 */
export function enterStage<M extends Memo>(memo: M, now: number): M {
  return {
    ...memo,
    stageStartedAt: now,
    progressAt: now,
    analysis: { ...memo.analysis, wantsChecks: false },
  };
}

/** The strategy memo a release starts with: a first release has nothing to compare with. */
function initialStrategy(spec: ReleaseSpec, firstRelease: boolean): StrategyMemo {
  if (firstRelease) return { kind: 'first-release' };
  switch (spec.strategy.kind) {
    case 'canary':
      return { kind: 'canary', step: 0, promoting: false };
    case 'blue-green':
      return { kind: 'blue-green', stage: 'deploy' };
    case 'rolling':
      return { kind: 'rolling' };
  }
}

export function initialMemo(spec: ReleaseSpec, firstRelease: boolean, now: number): Memo {
  return {
    version: 2,
    phase: 'pending',
    stageStartedAt: now,
    progressAt: now,
    candidateReady: 0,
    operator: { seen: 0, promote: false },
    analysis: { wantsChecks: false },
    strategy: initialStrategy(spec, firstRelease),
  };
}

/**
 * Reads a persisted memo: this version is parsed, the previous one migrated; anything else (no memo
 * yet, another strategy's memo, a damaged one) starts afresh.
 */
export function readMemo(raw: unknown, spec: ReleaseSpec, firstRelease: boolean, now: number): Memo {
  const v1 =
    (raw as { version?: unknown } | null)?.version === 1 ? migrateV1(raw as V1, spec, firstRelease) : raw;
  const parsed = memoSchema.safeParse(v1);
  const expected = firstRelease ? 'first-release' : spec.strategy.kind;
  if (parsed.success && parsed.data.strategy.kind === expected) return parsed.data;
  return initialMemo(spec, firstRelease, now);
}

/** Whether the engine should read the custom checks before the next decision (see `checksDue`). */
export function wantsChecks(raw: unknown): boolean {
  return (raw as { analysis?: { wantsChecks?: unknown } } | null)?.analysis?.wantsChecks === true;
}

/** The memo of slipway 0.1 (version 1), as an operation in flight may have left it. */
interface V1 {
  phase: Phase;
  stage: string;
  stepIndex: number;
  stepStartedAt: number;
  progressAt: number;
  candidateReady: number;
  pausedAt?: number;
  promoteRequested: boolean;
  commandsSeen: number;
  judge?: JudgeState;
  checks?: { wanted: boolean; byName: Record<string, CheckState> };
  reason?: string;
  verdict?: Verdict;
  abort?: AbortMemo;
  switchedAt?: number;
  rolling?: { candidate: number; stable: number };
}

function migrateV1(m: V1, spec: ReleaseSpec, firstRelease: boolean): unknown {
  const kind = firstRelease ? 'first-release' : spec.strategy.kind;
  const strategy =
    kind === 'canary'
      ? { kind, step: m.stepIndex, promoting: m.stage === 'promote' }
      : kind === 'blue-green'
        ? {
            kind,
            stage: m.stage === 'start' ? 'deploy' : m.stage,
            ...(m.switchedAt === undefined ? {} : { switchedAt: m.switchedAt }),
          }
        : kind === 'rolling'
          ? { kind, ...(m.rolling ? { targets: m.rolling } : {}) }
          : { kind };
  return {
    version: 2,
    phase: m.phase,
    ...(m.reason === undefined ? {} : { reason: m.reason }),
    stageStartedAt: m.stepStartedAt,
    progressAt: m.progressAt,
    candidateReady: m.candidateReady,
    operator: {
      seen: m.commandsSeen,
      promote: m.promoteRequested,
      ...(m.pausedAt === undefined ? {} : { pausedAt: m.pausedAt }),
    },
    analysis: {
      wantsChecks: m.checks?.wanted ?? false,
      ...(m.judge ? { judge: m.judge } : {}),
      ...(m.checks ? { checks: m.checks.byName } : {}),
      ...(m.verdict ? { verdict: m.verdict } : {}),
    },
    ...(m.abort ? { abort: m.abort } : {}),
    strategy,
  };
}
