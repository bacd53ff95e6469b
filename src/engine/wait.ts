/**
 * `wait`: one clean answer for CI about a release it did not necessarily start — promoted, rolled
 * back, failed, paused for approval, or still running when the time is up. It only reads the
 * ledger (records, and the decision journal for "waiting for a person"), so it never takes the lock
 * and never changes anything; any number of waiters may watch one release.
 */
import type { LedgerEvent } from '../core/types.ts';
import type { Clock } from './clock.ts';
import type { ReleaseRecord, Target } from './target.ts';

/**
 * - `promoted`: until the release is promoted; it ends early when the release ends otherwise or
 *   waits for a person (an approval gate, an operator's pause), which no amount of waiting fixes.
 * - `paused`: until the release waits for a person (or ends first).
 * - `done`: until the release has finished, through any pause.
 */
export type WaitGoal = 'promoted' | 'paused' | 'done';

export interface WaitInput {
  environment: string;
  for: WaitGoal;
  timeoutMs: number;
  /** A given release; default: the one in flight, else the latest. */
  release?: number;
  /** The first release numbered above this one (it may not have begun yet: CI starts a deploy, then waits). */
  after?: number;
  /** How often the ledger is read; default 1000 ms. */
  pollMs?: number;
}

export type WaitAnswer =
  | {
      kind: 'promoted' | 'rolled-back' | 'aborted' | 'failed';
      release: number;
      /** The record's reasons: what `history` and `why` explain. */
      reasons: string[];
    }
  | { kind: 'paused'; release: number; reasons: string[] }
  | { kind: 'timeout'; release?: number; reasons: string[] };

export interface WaitDeps {
  target: Target;
  clock: Clock;
  signal?: AbortSignal;
}

export async function waitForRelease(deps: WaitDeps, input: WaitInput): Promise<WaitAnswer> {
  const { clock } = deps;
  const ledger = deps.target.ledger();
  const deadline = clock.now() + input.timeoutMs;
  for (;;) {
    deps.signal?.throwIfAborted();
    const record = pick(await ledger.releases(), input);
    const events = record ? await ledger.events(record.release) : [];
    if (record) {
      const answer = answerOf(record, events, input.for);
      if (answer) return answer;
    }
    const left = deadline - clock.now();
    if (left <= 0) return timedOut(record, events, input);
    await clock.sleep(Math.min(left, input.pollMs ?? 1000), deps.signal);
  }
}

function pick(records: ReleaseRecord[], input: WaitInput): ReleaseRecord | undefined {
  if (input.release !== undefined) return records.find((r) => r.release === input.release);
  if (input.after !== undefined) return records.find((r) => r.release > (input.after as number));
  return records.find((r) => r.finishedAt === undefined) ?? records.at(-1);
}

/** The answer the ledger gives now for this goal, or undefined: keep waiting. Pure. */
export function answerOf(
  record: ReleaseRecord,
  events: readonly LedgerEvent[],
  goal: WaitGoal,
): WaitAnswer | undefined {
  if (record.finishedAt !== undefined) {
    const aborted = events.some((e) => e.kind === 'aborted');
    const kind =
      record.outcome === 'promoted'
        ? 'promoted'
        : record.outcome === 'failed'
          ? 'failed'
          : aborted
            ? 'aborted'
            : 'rolled-back';
    return { kind, release: record.release, reasons: record.reasons };
  }
  if (goal === 'done') return undefined;
  const last = [...events].reverse().find((e) => e.kind === 'decision');
  if (last?.decision?.awaiting === 'operator') {
    return { kind: 'paused', release: record.release, reasons: [last.reason] };
  }
  return undefined;
}

function timedOut(
  record: ReleaseRecord | undefined,
  events: readonly LedgerEvent[],
  input: WaitInput,
): WaitAnswer {
  const seconds = Math.round(input.timeoutMs / 1000);
  if (!record) {
    const which =
      input.release !== undefined
        ? `release ${input.release}`
        : input.after !== undefined
          ? `a release after ${input.after}`
          : 'a release';
    return {
      kind: 'timeout',
      reasons: [`${which} of ${input.environment} did not begin within ${seconds} s`],
    };
  }
  const now = [...events].reverse().find((e) => e.kind === 'decision');
  return {
    kind: 'timeout',
    release: record.release,
    reasons: [
      `release ${record.release} of ${input.environment} was still in progress after ${seconds} s`,
      ...(now ? [`it stands at: ${now.reason}`] : []),
    ],
  };
}
