/**
 * The one explain function: a release's story from its ledger record and journal, in plain words.
 * `slipway why` prints it; `history`, `status`, the dashboard and notifications show its headline
 * (`headline`), so every surface says the same thing. Pure.
 */
import type { DecisionRecord, LedgerEvent, Verdict } from '../core/types.ts';
import type { ReleaseRecord } from '../engine/target.ts';
import { foldReasons } from './fold.ts';
import { actionWords, checkWords, countsWords, evidenceWords, splitWords } from './words.ts';

/** One journaled decision, explained. */
export interface ExplainedDecision {
  at: number;
  /** Milliseconds since the release started. */
  sinceStartMs: number;
  phase: DecisionRecord['phase'];
  rule: string;
  reason: string;
  /** The inputs and the answer in words: counts, evidence, checks, commands, actions. */
  details: string[];
  weights?: Record<string, number>;
  verdict?: Verdict;
  inputs: DecisionRecord;
}

export interface Explanation {
  service: string;
  environment: string;
  release: number;
  digest: string;
  strategy: string;
  startedAt: number;
  finishedAt?: number;
  /** `in progress` while the release runs. */
  outcome: string;
  /** The explanation on one line: what `history`, `status`, the dashboard and notifications show. */
  headline: string;
  /** The whole recorded explanation, one reason per entry. */
  reasons: string[];
  /** The rule that ended it (or decides now) and its cause, when it rolled back. */
  decidedBy?: { rule: string; cause?: string };
  /** The verdict the outcome rests on, with every number. */
  verdict?: Verdict;
  decisions: ExplainedDecision[];
}

/**
 * The one-line explanation of a release: its recorded reasons folded (a finished release), or the
 * latest decision's reason (one in flight), or `starting` before the first decision.
 */
export function headline(record: ReleaseRecord, journal: readonly LedgerEvent[] = []): string {
  if (record.finishedAt !== undefined && record.reasons.length > 0) return foldReasons(record.reasons);
  const last = journal.at(-1);
  return last ? foldReasons([last.reason]) : record.finishedAt === undefined ? 'starting' : '';
}

/** The story of one release from its record and its ledger events (journal lines among them). */
export function explainRelease(record: ReleaseRecord, events: readonly LedgerEvent[]): Explanation {
  const journal = events.filter((e) => e.kind === 'decision' && e.decision);
  const candidate = record.spec?.revision ?? record.release;
  const decisions = journal.map((e) => explainDecision(e, record.startedAt, candidate));
  const last = decisions.at(-1);
  const judged = [...decisions].reverse().find((d) => d.verdict);
  const out: Explanation = {
    service: record.service,
    environment: record.environment,
    release: record.release,
    digest: record.digest,
    strategy: record.strategy,
    startedAt: record.startedAt,
    outcome: record.finishedAt === undefined ? 'in progress' : (record.outcome ?? '?'),
    headline: headline(record, journal),
    reasons: record.reasons.length > 0 ? [...record.reasons] : last ? [last.reason] : [],
    decisions,
  };
  if (record.finishedAt !== undefined) out.finishedAt = record.finishedAt;
  const abort = [...journal].reverse().find((e) => e.decision?.abort)?.decision?.abort;
  if (abort) out.decidedBy = { rule: abort.rule ?? last?.rule ?? '?', cause: abort.cause };
  else if (last) out.decidedBy = { rule: last.rule };
  if (judged?.verdict) out.verdict = judged.verdict;
  return out;
}

function explainDecision(e: LedgerEvent, startedAt: number, candidate: number): ExplainedDecision {
  const d = e.decision as DecisionRecord;
  const details: string[] = [];
  if (e.weights && Object.keys(e.weights).length > 0) details.push(`saw traffic ${splitWords(e.weights)}`);
  const unready = d.revisions.filter((r) => r.ready < r.desired || r.failed);
  for (const r of unready) {
    details.push(
      `release ${r.release}: ${r.ready}/${r.desired} ready${r.failed ? `, failed: ${foldReasons([r.failed])}` : ''}`,
    );
  }
  if (d.looked || e.verdict) {
    const counts = countsWords(d.counts, candidate);
    if (e.verdict) {
      details.push(`verdict ${e.verdict.kind}${d.looked ? '' : ' (from the last look)'}`);
      details.push(...evidenceWords(e.verdict.evidence));
    } else if (counts) details.push(`counts ${counts}`);
    else if (d.looked && d.metricSource === 'none') {
      details.push('no counts: no metric source (analysis.prometheus.url is not set)');
    } else if (d.looked) details.push('no counts: the metrics provider did not answer');
  }
  for (const c of d.checks ?? []) details.push(checkWords(c));
  if (d.commands?.length) details.push(`operator commands so far: ${d.commands.join(', ')}`);
  if (d.abort) {
    const said = foldReasons([e.reason]).includes(foldReasons([d.abort.reason]));
    const rule = d.abort.rule ? `, rule ${d.abort.rule}` : '';
    details.push(
      `rolling back (cause ${d.abort.cause}${rule})${said ? '' : `: ${foldReasons([d.abort.reason])}`}`,
    );
  }
  if (d.actions.length > 0) details.push(`→ ${d.actions.map(actionWords).join('; ')}`);
  else if (d.awaiting) details.push(`waits for ${AWAITING[d.awaiting]}`);
  const out: ExplainedDecision = {
    at: e.at,
    sinceStartMs: e.at - startedAt,
    phase: d.phase,
    rule: d.rule,
    reason: e.reason,
    details,
    inputs: d,
  };
  if (e.weights) out.weights = e.weights;
  if (e.verdict) out.verdict = e.verdict;
  return out;
}

const AWAITING: Record<NonNullable<DecisionRecord['awaiting']>, string> = {
  target: 'the target (instances to become ready, traffic to move)',
  time: 'a timer',
  operator: 'an operator (slipway promote / resume, or the dashboard)',
  evidence: 'more evidence',
};
