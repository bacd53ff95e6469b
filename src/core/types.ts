/**
 * The contracts between the pure core, the engine loop and the targets.
 * Revision ids are release numbers; in weight maps they are written as strings ("3": 90).
 */

export type { ReleaseSpec } from './spec.ts';

/** Ordered: later phases are "further along"; see `phase.ts` for `worst()` and terminal phases. */
export type Phase =
  | 'pending'
  | 'progressing'
  | 'paused'
  | 'analysing'
  | 'promoting'
  | 'promoted'
  | 'aborting'
  | 'rolled-back'
  | 'failed';

export type VerdictKind = 'pass' | 'fail' | 'inconclusive';

/** A verdict always carries the numbers that led to it. */
export interface Verdict {
  kind: VerdictKind;
  reasons: string[];
  evidence: Record<string, number>;
}

/** One revision as the target sees it. */
export interface RevisionObservation {
  release: number;
  /** Instances the target was asked to run. */
  desired: number;
  /** Instances passing readiness now. */
  ready: number;
  /** Set when the target has given up on the revision (crash loop, never ready, image pull…), with why. */
  failed?: string;
}

/** Cumulative counters for one revision since it started receiving traffic. */
export interface RevisionCounts {
  requests: number;
  /** 5xx answers and connection failures. */
  errors: number;
  /** Requests slower than the analysis latency bound (0 when none is set). */
  slow: number;
}

/** One check's read (`CheckSpec`): a number, or nothing with why (no data, a rejected query, a failure). */
export interface CheckResult {
  name: string;
  /** Prometheus: the query's value; HTTP: the status code. Absent (or NaN) when there is no data. */
  value?: number;
  error?: string;
}

/** The engine's latest read of every check, taken at `at` (engine clock); the core counts each once. */
export interface CheckReading {
  at: number;
  results: CheckResult[];
}

export type OperatorCommand =
  /**
   * Without `full`, a promote sent while a canary waits at a pause step ends that pause and the
   * remaining steps run (the manual gate); otherwise, and with `full`, the release finishes now.
   */
  | { kind: 'promote'; at: number; full?: boolean }
  | { kind: 'abort'; at: number; reason?: string }
  | { kind: 'pause'; at: number }
  | { kind: 'resume'; at: number };

/** What the target reports (from `Target.observe`). */
export interface TargetObservation {
  revisions: RevisionObservation[];
  /** Current traffic split: release number (as string) → percent; sums to 100 when any revision serves. */
  weights: Record<string, number>;
}

/**
 * Everything `step` may look at. `progress` is the core's own memo from the previous decision,
 * persisted by the engine so a killed process resumes where it was.
 */
export interface Observed extends TargetObservation {
  /** Release currently serving users before this operation (undefined on a first deploy). */
  stable?: number;
  metrics: Record<string, RevisionCounts>;
  /**
   * `none`: the target has no metric source at all (kubernetes without `analysis.prometheus.url`),
   * so no count will ever come. Known, unlike a provider that does not answer (`metrics` empty,
   * this absent): analysis then has no data, and the no-data policy decides when it is due.
   */
  metricSource?: 'none';
  /** The latest read of the spec's checks (`analysis.checks`), when the engine has taken one. */
  checks?: CheckReading;
  progress?: unknown;
  commands: OperatorCommand[];
}

export type LedgerEventKind =
  | 'started'
  | 'step'
  | 'traffic'
  | 'analysis'
  | 'paused'
  | 'resumed'
  | 'promoted'
  | 'aborted'
  | 'rolled-back'
  | 'failed'
  /** A line of the decision journal (`DecisionRecord`), written by the engine, not by the core. */
  | 'decision';

export interface LedgerEvent {
  kind: LedgerEventKind;
  release: number;
  at: number;
  reason: string;
  verdict?: Verdict;
  weights?: Record<string, number>;
  /** On `decision` lines: what the decision was made on and what it asked for. */
  decision?: DecisionRecord;
}

/**
 * One decision of the engine with the inputs it was made on: the journal `slipway why` tells.
 * The event carrying it holds the reason, the traffic split the core saw (`weights`) and, when the
 * decision judged the evidence or ended the release, the verdict with every number
 * (`verdict.evidence`: counts, e-value and its threshold, confidence bounds and the maximum rate,
 * failure budget, minimum sample, alpha).
 */
export interface DecisionRecord {
  /** The rule that fired (`Rule` in `outcome.ts`), e.g. `canary.analysis.fail`. */
  rule: string;
  phase: Phase;
  awaiting?: Awaiting;
  /** This decision judged the evidence (the event's verdict is its own, not an earlier one). */
  looked: boolean;
  /** Why the release rolls back, once it does. */
  abort?: { cause: AbortCause; reason: string; rule?: string };
  /** Each revision as the target showed it (ready/desired instances, why it failed). */
  revisions: RevisionObservation[];
  /** The cumulative request counts per revision the decision read (absent: the provider was offline). */
  counts: Record<string, RevisionCounts>;
  /** `none`: there was no metric source at all (not an offline provider), as in `Observed`. */
  metricSource?: 'none';
  /** The custom checks' latest read (query values, or why there was none). */
  checks?: CheckResult[];
  /** Operator commands the release had received by then (promote, abort, pause, resume). */
  commands?: OperatorCommand['kind'][];
  /** What the decision asked the target to do (ledger lines left out: they are events of their own). */
  actions: Action[];
}

/**
 * What a target applies. Every action is declarative, so applying one twice is harmless:
 * `ensure-revision` states a desired instance count, `set-traffic` the whole split (and which
 * revision is stable: the one the proxy retries on and that sticky sessions leave last), and
 * retiring a revision that is gone does nothing.
 */
export type Action =
  | { kind: 'ensure-revision'; release: number; replicas: number }
  | {
      kind: 'set-traffic';
      weights: Record<string, number>;
      /**
       * The stable revision from now on: the operation's stable while a release runs, the candidate
       * from the decision that promotes it; absent only when nothing serves.
       */
      stable?: number;
    }
  | { kind: 'retire-revision'; release: number; drainMs: number };

/** A ledger line the engine writes; the targets never see it. */
export interface RecordEffect {
  kind: 'record';
  event: LedgerEvent;
}

/** Everything a decision asks for, in order: target actions and ledger lines. */
export type Effect = Action | RecordEffect;

/** Why an operation is being rolled back. */
export type AbortCause = 'operator' | 'analysis' | 'candidate-failed' | 'deadline' | 'lock-lost';

/** What the release waits for when a decision does nothing more: the target, a timer, an operator, evidence. */
export type Awaiting = 'target' | 'time' | 'operator' | 'evidence';
