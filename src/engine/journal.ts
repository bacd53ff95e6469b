/**
 * The engine's persisted state for an operation in flight, and the intent journal that makes a
 * re-run safe. Before any action of a decision is applied, the decision's memo and its action list
 * are saved; after each action, the count of finished actions is saved. A re-run first finishes the
 * list from the first unfinished action, so a finished action is never applied again, and the one
 * that was in flight is re-applied (harmless: target actions are declarative; a ledger line that did
 * get written is recognised and not written twice).
 */
import { z } from 'zod';
import type { ReleaseSpec } from '../core/spec.ts';
import { releaseSpecProblems } from '../core/spec-check.ts';
import type { Effect, LedgerEvent } from '../core/types.ts';
import type { Ledger, Target } from './target.ts';

export interface Envelope {
  version: 2;
  spec: ReleaseSpec;
  /** Revision serving users when the operation began (fixed for the whole operation). */
  stable?: number;
  /** The core's memo (`Decision.memo`); the core parses it when it reads it back. */
  memo?: unknown;
  /** The last decision's effects and how many of them are known to be finished. */
  intent?: { effects: Effect[]; done: number };
}

const count = z.number().int().min(0);
const weights = z.record(z.string(), z.number());
const effect = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ensure-revision'), release: count, replicas: count }),
  z.object({ kind: z.literal('set-traffic'), weights, stable: count.optional() }),
  z.object({ kind: z.literal('retire-revision'), release: count, drainMs: count }),
  z.object({
    kind: z.literal('record'),
    event: z.looseObject({ kind: z.string(), release: count, at: z.number(), reason: z.string() }),
  }),
]);
const envelope = z.object({
  version: z.literal(2),
  spec: z.looseObject({ release: count }),
  stable: count.optional(),
  memo: z.unknown(),
  intent: z.object({ effects: z.array(effect), done: count }).optional(),
});

/**
 * The saved envelope of an operation in flight, parsed: slipway 0.1's (version 1, `intent.actions`)
 * is read as this version. Undefined when nothing usable is stored: `resume` then starts the
 * operation over from the ledger record's spec, re-observing the world.
 */
export async function loadEnvelope(ledger: Ledger, release: number): Promise<Envelope | undefined> {
  const raw = (await ledger.loadProgress(release)) as {
    version?: unknown;
    intent?: { actions?: unknown };
  } | null;
  const upgraded =
    raw?.version === 1
      ? {
          ...raw,
          version: 2,
          ...(raw.intent ? { intent: { ...raw.intent, effects: raw.intent.actions } } : {}),
        }
      : raw;
  const parsed = envelope.safeParse(upgraded);
  if (!parsed.success) return undefined;
  const spec = parsed.data.spec as unknown as ReleaseSpec;
  if (releaseSpecProblems(spec).length > 0) return undefined;
  return { ...parsed.data, spec } as Envelope;
}

export function saveEnvelope(ledger: Ledger, env: Envelope): Promise<void> {
  return ledger.saveProgress(env.spec.release, env);
}

/** True when the intent still has actions that may not have been applied. */
export function hasPendingIntent(env: Envelope): boolean {
  return !!env.intent && env.intent.done < env.intent.effects.length;
}

/**
 * Applies the envelope's intent from its first unfinished action, saving progress after each.
 * `replay` is set when finishing a crashed run's list: the first ledger line is then checked
 * against the ledger before being appended.
 */
export async function applyIntent(target: Target, env: Envelope, replay: boolean): Promise<number> {
  const ledger = target.ledger();
  const intent = env.intent;
  if (!intent) return 0;
  let applied = 0;
  while (intent.done < intent.effects.length) {
    const effect = intent.effects[intent.done] as Effect;
    if (effect.kind === 'record') {
      if (!(replay && applied === 0 && (await alreadyRecorded(ledger, effect.event)))) {
        await ledger.append(effect.event);
      }
    } else {
      await target.apply([effect], env.spec);
    }
    applied++;
    intent.done++;
    await saveEnvelope(ledger, env);
  }
  return applied;
}

async function alreadyRecorded(ledger: Ledger, event: LedgerEvent): Promise<boolean> {
  const events = await ledger.events(event.release);
  return events.some((e) => e.kind === event.kind && e.at === event.at && e.reason === event.reason);
}
