/**
 * Operator commands (promote, abort, pause, resume) arrive through the ledger; each is handled once,
 * in the order sent. Pure: it returns the memo after them and the ledger lines that record them.
 *
 * - `abort` rolls the release back (the first cause of a rollback wins).
 * - `promote` at a manual gate (a canary's pause step) goes past that gate; otherwise, and with
 *   `full`, it asks the release to finish now.
 * - `pause` freezes progress (not protection: a failing verdict still rolls back); `resume` ends the
 *   pause, and the time spent paused does not count against a timed step or the progress deadline.
 */
import { type Memo, withAbort } from './memo.ts';
import type { Effect } from './types.ts';
import { type ReleaseView, record } from './view.ts';

export function applyCommands(
  view: ReleaseView,
  memo: Memo,
  openGate: (memo: Memo) => Memo | undefined,
): { memo: Memo; effects: Effect[] } {
  const { commands } = view.observed;
  const { now } = view;
  let m: Memo = { ...memo, operator: { ...memo.operator, seen: commands.length } };
  const effects: Effect[] = [];
  for (const c of commands.slice(memo.operator.seen)) {
    if (c.kind === 'abort') {
      const reason = `aborted by operator${c.reason ? `: ${c.reason}` : ''}`;
      m = withAbort(m, { cause: 'operator', reason, rule: 'operator.abort' });
    }
    if (c.kind === 'promote') {
      const past = !c.full && !m.operator.promote ? openGate(m) : undefined;
      if (past) {
        m = { ...past, operator: withoutPause(past.operator) };
        effects.push(record(view, 'step', 'promoted past the pause by operator'));
      } else m = { ...m, operator: { ...m.operator, promote: true } };
    }
    if (c.kind === 'pause' && m.operator.pausedAt === undefined) {
      m = { ...m, operator: { ...m.operator, pausedAt: now } };
      effects.push(record(view, 'paused', 'paused by operator'));
    }
    if (c.kind === 'resume' && m.operator.pausedAt !== undefined) {
      const paused = now - m.operator.pausedAt;
      m = {
        ...m,
        stageStartedAt: m.stageStartedAt + paused,
        progressAt: now,
        operator: withoutPause(m.operator),
      };
      effects.push(record(view, 'resumed', 'resumed by operator'));
    }
  }
  // Promote and abort end a pause: the operator has decided.
  if ((m.operator.promote || m.abort) && m.operator.pausedAt !== undefined) {
    m = { ...m, operator: withoutPause(m.operator) };
  }
  return { memo: m, effects };
}

function withoutPause(operator: Memo['operator']): Memo['operator'] {
  const { pausedAt: _, ...rest } = operator;
  return rest;
}
