/**
 * The confirmation text of each action: what will change, named with releases, weights and
 * instance counts, built from the state the page shows (and, for rollback, the engine's own
 * rollback plan). Pure.
 */
import type { RollbackPlan } from '../../engine/api.ts';
import type { ActionKind, ActionPlan, EnvironmentState } from '../protocol.ts';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

export function formatSplit(weights: Record<string, number>): string {
  const parts = Object.entries(weights)
    .filter(([, w]) => w > 0)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([rev, w]) => `#${rev} ${w}%`);
  return parts.length ? parts.join(', ') : 'no traffic';
}

/** Plans for the commands sent to the release in flight (promote, pause, resume, abort). */
export function commandPlan(
  kind: Exclude<ActionKind, 'rollback'>,
  state: EnvironmentState,
  opts: { full?: boolean } = {},
): ActionPlan {
  const op = state.operation;
  if (!op) {
    return {
      kind,
      summary: `Nothing is in flight in ${state.name}.`,
      changes: [],
      blocked: `no release is in progress in ${state.name}; ${kind} applies to a release in flight`,
    };
  }
  const split = formatSplit(state.weights);
  const current = op.steps.find((s) => s.status === 'current');
  const remaining = op.steps.filter((s) => s.status === 'current' || s.status === 'pending');
  const base = { kind, release: op.release };
  const noEngine = op.lock
    ? []
    : [
        `no engine holds the ${state.name} lock now: the command waits until someone runs slipway resume --env ${state.name}`,
      ];
  const stable = op.stable;
  switch (kind) {
    case 'promote': {
      const atGate = !opts.full && current?.label === 'pause until promoted';
      if (atGate) {
        return {
          ...base,
          summary: `Open the pause gate of release ${op.release} in ${state.name}: the steps after it still run, analysis included.`,
          changes: [
            `steps still to run: ${
              remaining
                .slice(1)
                .map((s) => s.label)
                .join(' → ') || 'none'
            }`,
            ...noEngine,
          ],
        };
      }
      return {
        ...base,
        summary: `Promote release ${op.release} in ${state.name} now, skipping its remaining steps.`,
        changes: [
          `steps skipped: ${
            remaining
              .filter((s) => s.label !== 'promote')
              .map((s) => s.label)
              .join(', ') || 'none'
          }`,
          `traffic: ${split} → #${op.candidate} 100% once it runs at full capacity`,
          ...(stable !== undefined ? [`release ${stable} is drained and stopped`] : []),
          ...noEngine,
        ],
      };
    }
    case 'pause':
      return {
        ...base,
        summary: `Pause release ${op.release} in ${state.name}${current ? ` at “${current.label}”` : ''}.`,
        changes: [
          `traffic stays as it is: ${split}`,
          'analysis keeps protecting users: a failing verdict still rolls back',
          ...noEngine,
        ],
        ...(op.paused ? { blocked: `release ${op.release} is already paused` } : {}),
      };
    case 'resume':
      return {
        ...base,
        summary: `Resume release ${op.release} in ${state.name}${current ? ` from “${current.label}”` : ''}.`,
        changes: ['the time spent paused does not count against the step', ...noEngine],
        ...(op.paused ? {} : { blocked: `release ${op.release} is not paused` }),
      };
    case 'abort':
      return {
        ...base,
        summary: `Abort release ${op.release} in ${state.name} and roll it back.`,
        changes: [
          stable !== undefined
            ? `traffic: ${split} → #${stable} 100% at once`
            : `release ${op.release} stops receiving traffic; nothing else serves ${state.name}`,
          `release ${op.release} is stopped; the ledger records it as aborted`,
          ...noEngine,
        ],
      };
  }
}

/** Plan of a rollback from the engine's own choice of release (or why there is none). */
export function rollbackPlanText(
  state: EnvironmentState,
  plan: RollbackPlan | { error: string },
): ActionPlan {
  if ('error' in plan) {
    return { kind: 'rollback', summary: `No rollback in ${state.name}.`, changes: [], blocked: plan.error };
  }
  const to = plan.to;
  const split = formatSplit(state.weights);
  const switchLine =
    plan.runningRevision !== undefined
      ? `revision ${plan.runningRevision} still runs: traffic switches at once, ${split} → #${plan.runningRevision} 100%`
      : `release ${to.release}'s artifact starts again at full capacity, then traffic switches: ${split} → #${plan.release} 100%`;
  return {
    kind: 'rollback',
    summary: `Roll back ${state.name} to release ${to.release} (digest ${short(to.digest)}, config ${to.configHash.slice(0, 8)}) as new release ${plan.release}.`,
    changes: [
      switchLine,
      ...(plan.from && plan.from.release !== to.release
        ? [`release ${plan.from.release} (digest ${short(plan.from.digest)}) is drained and stopped`]
        : []),
      'no analysis and no delay: a rollback is an immediate switch',
    ],
  };
}
