/**
 * Reads what the page needs from the engine's saved progress envelope (`ledger.loadProgress`):
 * the spec, the stable revision and a few fields of the core's memo. The memo is the core's own
 * business and changes shape as the core does, so it is read loosely here, in one place: a field
 * that is missing or of another type is simply absent from the view, never an error.
 */
import { z } from 'zod';
import type { ReleaseSpec, Verdict } from '../../core/types.ts';

const verdict = z.looseObject({
  kind: z.enum(['pass', 'fail', 'inconclusive']),
  reasons: z.array(z.string()),
  evidence: z.record(z.string(), z.number()),
});

const memo = z.looseObject({
  phase: z.string().optional(),
  stage: z.string().optional(),
  stepIndex: z.number().optional(),
  stepStartedAt: z.number().optional(),
  pausedAt: z.number().optional(),
  reason: z.string().optional(),
  verdict: verdict.optional(),
  abort: z.looseObject({ cause: z.string(), reason: z.string() }).optional(),
});

const envelope = z.looseObject({
  spec: z.looseObject({ release: z.number(), strategy: z.looseObject({ kind: z.string() }) }),
  stable: z.number().optional(),
  memo: memo.optional(),
});

export interface EnvelopeView {
  spec: ReleaseSpec;
  stable?: number;
  phase?: string;
  stage?: string;
  stepIndex?: number;
  paused: boolean;
  reason?: string;
  verdict?: Verdict;
  abort?: { cause: string; reason: string };
}

export function readEnvelope(raw: unknown): EnvelopeView | undefined {
  const parsed = envelope.safeParse(raw);
  if (!parsed.success) return undefined;
  const { spec, stable, memo: m } = parsed.data;
  const view: EnvelopeView = { spec: spec as unknown as ReleaseSpec, paused: m?.pausedAt !== undefined };
  if (stable !== undefined) view.stable = stable;
  if (m?.phase !== undefined) view.phase = m.phase;
  if (m?.stage !== undefined) view.stage = m.stage;
  if (m?.stepIndex !== undefined) view.stepIndex = m.stepIndex;
  if (m?.reason !== undefined) view.reason = m.reason;
  if (m?.verdict) view.verdict = m.verdict as Verdict;
  if (m?.abort) view.abort = { cause: m.abort.cause, reason: m.abort.reason };
  return view;
}
