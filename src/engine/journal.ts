/**
 * The engine's persisted state for an operation in flight, and the intent journal that makes a
 * re-run safe. Before any action of a decision is applied, the decision's memo and its action list
 * are saved; after each action, the count of finished actions is saved. A re-run first finishes the
 * list from the first unfinished action, so a finished action is never applied again, and the one
 * that was in flight is re-applied (harmless: target actions are declarative; a ledger line that did
 * get written is recognised and not written twice).
 */
import type { ReleaseSpec } from '../core/spec.ts';
import type { Action, LedgerEvent } from '../core/types.ts';
import type { Ledger, Target } from './target.ts';

export interface Envelope {
  version: 1;
  spec: ReleaseSpec;
  /** Revision serving users when the operation began (fixed for the whole operation). */
  stable?: number;
  /** The core's memo (`Decision.progress`). */
  memo?: unknown;
  /** The last decision's actions and how many of them are known to be finished. */
  intent?: { actions: Action[]; done: number };
}

export async function loadEnvelope(ledger: Ledger, release: number): Promise<Envelope | undefined> {
  const raw = await ledger.loadProgress(release);
  if (raw && typeof raw === 'object' && (raw as Envelope).version === 1 && (raw as Envelope).spec) {
    return raw as Envelope;
  }
  return undefined;
}

export function saveEnvelope(ledger: Ledger, env: Envelope): Promise<void> {
  return ledger.saveProgress(env.spec.release, env);
}

/** True when the intent still has actions that may not have been applied. */
export function hasPendingIntent(env: Envelope): boolean {
  return !!env.intent && env.intent.done < env.intent.actions.length;
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
  while (intent.done < intent.actions.length) {
    const action = intent.actions[intent.done] as Action;
    if (action.kind === 'record') {
      if (!(replay && applied === 0 && (await alreadyRecorded(ledger, action.event)))) {
        await ledger.append(action.event);
      }
    } else {
      await target.apply([action], env.spec);
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
