/**
 * Builds what the page shows for one environment from plain inputs (ledger records and events,
 * the saved progress envelope, the target's observation). Pure: the sources gather the inputs.
 */
import type { LedgerEvent, Verdict } from '../../core/types.ts';
import type { ReleaseRecord } from '../../engine/target.ts';
import { renderExplanation } from '../../explain/render.ts';
import { explainRelease, headline } from '../../explain/story.ts';
import type {
  EnvironmentState,
  EvidenceNow,
  OperationState,
  ReleaseSummary,
  RevisionState,
  TimelineEvent,
} from '../protocol.ts';
import type { EnvelopeView } from './envelope.ts';
import { timeline } from './timeline.ts';

export interface ObservedRevision {
  release: number;
  desired: number;
  ready: number;
  failed?: string;
  digest?: string;
}

export interface EnvironmentInputs {
  name: string;
  target: string;
  endpoint?: string;
  weights: Record<string, number>;
  revisions: ObservedRevision[];
  records: ReleaseRecord[];
  /** The release in flight, if any. */
  current?: { record: ReleaseRecord; events: LedgerEvent[]; envelope?: EnvelopeView };
  /** The last finished release, when none is in flight. */
  last?: { record: ReleaseRecord; events: LedgerEvent[]; envelope?: EnvelopeView };
  lock?: { holder: string; expiresAt: number };
}

export function summaryOf(r: ReleaseRecord): ReleaseSummary {
  const s: ReleaseSummary = {
    release: r.release,
    digest: r.digest,
    configHash: r.configHash,
    strategy: r.strategy,
    startedAt: r.startedAt,
    outcome: r.finishedAt === undefined ? 'in progress' : (r.outcome ?? '?'),
    reasons: r.reasons,
    summary: headline(r),
  };
  if (r.artifactRef !== undefined) s.artifactRef = r.artifactRef;
  if (r.finishedAt !== undefined) s.finishedAt = r.finishedAt;
  return s;
}

/** The numbers the evidence panel shows, from a verdict's evidence (errors signal). */
export function evidenceOf(v: Verdict): EvidenceNow {
  const e = v.evidence;
  const out: EvidenceNow = {
    verdict: v.kind,
    reasons: v.reasons,
    candidateRequests: e.candidateRequests ?? 0,
    candidateErrors: e.candidateErrors ?? 0,
    stableRequests: e.stableRequests ?? 0,
    stableErrors: e.stableErrors ?? 0,
  };
  const pick: [keyof EvidenceNow, string][] = [
    ['eValue', 'errorsEValue'],
    ['threshold', 'errorsThreshold'],
    ['upperBound', 'errorsUpper'],
    ['lowerBound', 'errorsLower'],
    ['maxErrorRate', 'errorsMaxRate'],
    ['failureBudget', 'failureBudget'],
    ['minSample', 'minSample'],
  ];
  for (const [to, from] of pick)
    if (e[from] !== undefined) (out as unknown as Record<string, number>)[to] = e[from];
  return out;
}

const eventView = (e: LedgerEvent): TimelineEvent => ({ kind: e.kind, at: e.at, reason: e.reason });
/** The event list shows what happened; the decision journal's lines are told by `why` instead. */
const shownEvents = (events: LedgerEvent[]): TimelineEvent[] =>
  events.filter((e) => e.kind !== 'decision').map(eventView);

function operationOf(inputs: EnvironmentInputs): OperationState | undefined {
  const cur = inputs.current;
  if (!cur) return undefined;
  const { record, events, envelope } = cur;
  const spec = envelope?.spec ?? record.spec;
  const candidate = spec?.revision ?? record.release;
  const op: OperationState = {
    release: record.release,
    strategy: record.strategy,
    phase: envelope?.phase ?? 'pending',
    reason: envelope?.reason ?? 'starting',
    paused: envelope?.paused ?? false,
    startedAt: record.startedAt,
    candidate,
    steps: spec ? timeline(spec, envelope, events, undefined, envelope?.stable === undefined) : [],
    events: shownEvents(events),
  };
  if (envelope?.stable !== undefined && envelope.stable !== candidate) op.stable = envelope.stable;
  if (envelope?.verdict) op.evidence = evidenceOf(envelope.verdict);
  if (inputs.lock) op.lock = inputs.lock;
  return op;
}

export function environmentState(inputs: EnvironmentInputs): EnvironmentState {
  const op = operationOf(inputs);
  const roleOf = (release: number): RevisionState['role'] =>
    op?.candidate === release ? 'candidate' : op?.stable === release || !op ? 'stable' : 'other';
  const revisions = inputs.revisions
    .map(
      (r): RevisionState => ({
        release: r.release,
        weight: inputs.weights[String(r.release)] ?? 0,
        desired: r.desired,
        ready: r.ready,
        ...(r.failed ? { failed: r.failed } : {}),
        ...(r.digest ? { digest: r.digest } : {}),
        role: roleOf(r.release),
      }),
    )
    .sort((a, b) => a.release - b.release);
  const serving = Object.entries(inputs.weights).sort((a, b) => b[1] - a[1])[0];
  const state: EnvironmentState = {
    name: inputs.name,
    target: inputs.target,
    weights: { ...inputs.weights },
    revisions,
    history: inputs.records.map(summaryOf).reverse(),
  };
  if (inputs.endpoint) state.endpoint = inputs.endpoint;
  if (serving && serving[1] > 0) state.serving = Number(serving[0]);
  if (op) state.operation = op;
  if (!op && inputs.last) {
    const { record, events, envelope } = inputs.last;
    const spec = envelope?.spec ?? record.spec;
    state.last = {
      ...summaryOf(record),
      events: shownEvents(events),
      // The story `slipway why` prints, from the same explain function.
      why: renderExplanation(explainRelease(record, events)),
      steps: spec ? timeline(spec, envelope, events, record.outcome, envelope?.stable === undefined) : [],
      ...(envelope?.verdict ? { evidence: evidenceOf(envelope.verdict) } : {}),
    };
  }
  return state;
}
