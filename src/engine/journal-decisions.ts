/**
 * The decision journal: every decision the engine acts on, written to the ledger as a `decision`
 * line with the inputs it was made on (what the target showed, the counts the judge read, the
 * checks' values, operator commands) and what it decided (phase, the rule that fired, the reason,
 * the verdict with its numbers, the actions). `slipway why` tells the story from these lines.
 *
 * A decision that only repeats the previous one (the same rule waiting for the same thing, with a
 * verdict of the same kind, and nothing to apply) is not written again: an analysis that looks
 * every second for ten minutes journals its first look and the one that changes something, not
 * 600 lines. Every decision that acts on the world is written.
 */
import type { Decision } from '../core/decision.ts';
import { isTerminal } from '../core/phase.ts';
import type { Action, CheckResult, DecisionRecord, LedgerEvent, Observed } from '../core/types.ts';
import type { Ledger } from './target.ts';

/** The journal line for one decision. Pure. */
export function decisionEvent(
  release: number,
  decision: Decision,
  observed: Observed,
  at: number,
): LedgerEvent {
  const actions = decision.effects.filter((e): e is Action => e.kind !== 'record');
  const record: DecisionRecord = {
    rule: decision.rule,
    phase: decision.phase,
    ...(decision.awaiting ? { awaiting: decision.awaiting } : {}),
    looked: decision.looked,
    ...(decision.abort ? { abort: { ...decision.abort } } : {}),
    revisions: observed.revisions.map((r) => ({
      release: r.release,
      desired: r.desired,
      ready: r.ready,
      ...(r.failed ? { failed: r.failed } : {}),
    })),
    counts: { ...observed.metrics },
    ...(observed.metricSource ? { metricSource: observed.metricSource } : {}),
    ...(observed.checks ? { checks: observed.checks.results.map(finiteCheck) } : {}),
    ...(observed.commands.length > 0 ? { commands: observed.commands.map((c) => c.kind) } : {}),
    actions,
  };
  // The verdict belongs to this line when this decision judged it or ended the release on it.
  const ownVerdict = decision.verdict && (decision.looked || isTerminal(decision.phase) || decision.abort);
  return {
    kind: 'decision',
    release,
    at,
    reason: decision.reason,
    weights: { ...observed.weights },
    ...(ownVerdict && decision.verdict ? { verdict: decision.verdict } : {}),
    decision: record,
  };
}

/** A check's value as JSON can carry it: NaN and infinities are "no data", said so. */
function finiteCheck(c: CheckResult): CheckResult {
  if (c.value === undefined || Number.isFinite(c.value)) return { ...c };
  const { value: _, ...rest } = c;
  return { ...rest, error: c.error ?? `no finite value (${c.value})` };
}

/**
 * Which rule stands where: a decision with the same key as the last line only repeats it (the same
 * rule still waiting for the same thing, a verdict of the same kind) unless it acts. Computed from
 * the line itself, so a re-run after a crash can compare with the line the dead engine wrote last.
 */
export function decisionKey(line: LedgerEvent): string {
  const d = line.decision;
  return JSON.stringify([
    d?.rule,
    d?.phase,
    d?.awaiting ?? null,
    line.verdict?.kind ?? null,
    d?.abort?.cause ?? null,
  ]);
}

/**
 * Lines a release journals before only decisions that act, abort or end it are written: a verdict
 * that flips between inconclusive and pass for hours must not grow a Kubernetes ledger Secret
 * (1 MiB) without bound. A line is about 1–2 KB.
 */
export const JOURNAL_SOFT_LIMIT = 200;

/** A new line: the decision acts on the world, or says something the last line did not. */
function worthALine(line: LedgerEvent, lastKey: string | undefined, written: number): boolean {
  const d = line.decision;
  if ((d?.actions.length ?? 0) > 0) return true;
  if (decisionKey(line) === lastKey) return false;
  return written < JOURNAL_SOFT_LIMIT || d?.abort !== undefined || (d !== undefined && isTerminal(d.phase));
}

/** Writes one release's decisions to its ledger, leaving out repeats. One per operation run. */
export class DecisionJournal {
  readonly #ledger: Ledger;
  readonly #release: number;
  #lastKey: string | undefined;
  #written = 0;
  #seeded = false;

  constructor(ledger: Ledger, release: number) {
    this.#ledger = ledger;
    this.#release = release;
  }

  /** Journals the decision unless it repeats the last one written. True when a line was written. */
  async note(decision: Decision, observed: Observed, at: number): Promise<boolean> {
    if (!this.#seeded) {
      // A resumed operation continues the journal its predecessor wrote, without repeating its last line.
      const lines = journalOf(await this.#ledger.events(this.#release));
      const last = lines.at(-1);
      this.#lastKey = last ? decisionKey(last) : undefined;
      this.#written = lines.length;
      this.#seeded = true;
    }
    const line = decisionEvent(this.#release, decision, observed, at);
    if (!worthALine(line, this.#lastKey, this.#written)) return false;
    await this.#ledger.append(line);
    this.#lastKey = decisionKey(line);
    this.#written++;
    return true;
  }
}

/** The journal lines of a release, oldest first, from its ledger events. */
export function journalOf(events: readonly LedgerEvent[]): LedgerEvent[] {
  return events.filter((e) => e.kind === 'decision' && e.decision !== undefined);
}
