/**
 * What the page needs from the engine's saved progress envelope: the spec, the stable revision and
 * the core's memo, parsed by the core's own reader (`readMemo`: a memo of the previous version is
 * migrated, a damaged one reads as a fresh start), so the dashboard never second-guesses its shape.
 */
import { type Memo, readMemo } from '../../core/memo.ts';
import type { ReleaseSpec, Verdict } from '../../core/types.ts';
import type { Envelope } from '../../engine/journal.ts';

export interface EnvelopeView {
  spec: ReleaseSpec;
  stable?: number;
  memo: Memo;
  phase: string;
  reason?: string;
  /** The rule that fired last (`canary.analysis.fail`, …). */
  rule?: string;
  paused: boolean;
  verdict?: Verdict;
  abort?: { cause: string; reason: string; rule?: string };
}

export function readEnvelope(env: Envelope | undefined, now: number): EnvelopeView | undefined {
  if (!env) return undefined;
  const memo = readMemo(env.memo, env.spec, env.stable === undefined, now);
  const view: EnvelopeView = {
    spec: env.spec,
    memo,
    phase: memo.phase,
    paused: memo.operator.pausedAt !== undefined,
  };
  if (env.stable !== undefined) view.stable = env.stable;
  if (memo.reason !== undefined) view.reason = memo.reason;
  if (memo.rule !== undefined) view.rule = memo.rule;
  if (memo.analysis.verdict) view.verdict = memo.analysis.verdict;
  if (memo.abort) view.abort = memo.abort;
  return view;
}
