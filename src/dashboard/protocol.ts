/**
 * The dashboard's wire protocol, shared by the server (which parses every request with these
 * schemas) and the page (which imports the types only). Server → page messages travel on one
 * Server-Sent Events stream: `hello` once, then `state` when an environment changes and `sample`
 * once a second with the newest chart points.
 */
import { z } from 'zod';

/** What a person can do from the page; every action is confirmed first with its plan. */
export const ACTION_KINDS = ['promote', 'pause', 'resume', 'abort', 'rollback'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const actionRequest = z.strictObject({
  kind: z.enum(ACTION_KINDS),
  /** rollback: the release to return to (default: the previous good one). */
  to: z.number().int().min(1).optional(),
  /** promote: finish now instead of opening the pause gate only. */
  full: z.boolean().optional(),
  /** abort: why, recorded in the ledger. */
  reason: z.string().max(500).optional(),
  /**
   * The release the person saw in flight when they confirmed (promote/pause/resume/abort): a
   * command is refused when another release has started since, so nobody acts on a stale page.
   */
  release: z.number().int().min(1).optional(),
});
export type ActionRequest = z.infer<typeof actionRequest>;

export const planQuery = z.strictObject({
  kind: z.enum(ACTION_KINDS),
  to: z.coerce.number().int().min(1).optional(),
  full: z.enum(['true', 'false']).optional(),
});

export const diffQuery = z.strictObject({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

/** The confirmation shown before an action: what will change, in plain words. */
export interface ActionPlan {
  kind: ActionKind;
  /** One sentence: "Roll back production to release 3 …". */
  summary: string;
  /** Each concrete change, e.g. "traffic: release 5 100% → release 6 100%". */
  changes: string[];
  /** Set when the action cannot be taken now, with why (the confirm button is disabled). */
  blocked?: string;
  /** The release in flight the plan was made for (sent back with the action). */
  release?: number;
}

export interface ActionResult {
  ok: boolean;
  message: string;
}

export interface RevisionState {
  release: number;
  weight: number;
  desired: number;
  ready: number;
  failed?: string;
  digest?: string;
  /** This revision is the one users were on before the release in flight. */
  role: 'stable' | 'candidate' | 'other';
}

export interface ReleaseSummary {
  release: number;
  digest: string;
  artifactRef?: string;
  configHash: string;
  strategy: string;
  startedAt: number;
  finishedAt?: number;
  /** `in progress` until finished. */
  outcome: string;
  /** The whole explanation, one paragraph per line. */
  reasons: string[];
  /** The explanation on one line: the same text as `history`, `status`, `why` and notifications. */
  summary: string;
}

export type StepStatus = 'done' | 'current' | 'pending' | 'failed';

export interface TimelineStep {
  label: string;
  status: StepStatus;
  /** When the step was reached / finished (engine clock, ms since epoch). */
  at?: number;
}

export interface TimelineEvent {
  kind: string;
  at: number;
  reason: string;
}

/** The analysis evidence of the release in flight, as it stands now. */
export interface EvidenceNow {
  verdict: 'pass' | 'fail' | 'inconclusive';
  reasons: string[];
  candidateRequests: number;
  candidateErrors: number;
  stableRequests: number;
  stableErrors: number;
  eValue?: number;
  threshold?: number;
  upperBound?: number;
  lowerBound?: number;
  maxErrorRate?: number;
  failureBudget?: number;
  minSample?: number;
}

export interface OperationState {
  release: number;
  strategy: string;
  phase: string;
  /** The engine's latest reason ("step 2/4: 25% of traffic to the candidate"). */
  reason: string;
  paused: boolean;
  startedAt: number;
  candidate: number;
  stable?: number;
  steps: TimelineStep[];
  events: TimelineEvent[];
  evidence?: EvidenceNow;
  /** Who holds the environment lock, when someone does (no holder: no engine carries the release on). */
  lock?: { holder: string; expiresAt: number };
}

export interface EnvironmentState {
  name: string;
  target: string;
  endpoint?: string;
  weights: Record<string, number>;
  revisions: RevisionState[];
  serving?: number;
  operation?: OperationState;
  /** The last finished release (with its story) when nothing is in flight. */
  last?: ReleaseSummary & {
    events: TimelineEvent[];
    steps: TimelineStep[];
    evidence?: EvidenceNow;
    /** What `slipway why` prints for it: every decision with the inputs it was made on. */
    why: string[];
  };
  history: ReleaseSummary[];
  /** A problem reading this environment (shown instead of hiding it). */
  error?: string;
}

/** One chart point per revision: rates over the last sampling interval. */
export interface RevisionPoint {
  rps: number;
  errorRate?: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** One sample of an environment, taken once a second by the server. */
export interface SamplePoint {
  /** Seconds since epoch (uPlot's x unit). */
  t: number;
  revisions: Record<string, RevisionPoint>;
  /** The analysis evidence at that moment, when a release is under analysis. */
  evidence?: {
    release: number;
    eValue?: number;
    threshold?: number;
    upperBound?: number;
    maxErrorRate?: number;
    budgetUsed?: number;
  };
}

export interface HelloMessage {
  environments: EnvironmentState[];
  /** Everything sampled so far, per environment, oldest first. */
  series: Record<string, SamplePoint[]>;
  csrf: string;
}

export interface SampleMessage {
  environment: string;
  point: SamplePoint;
}
