/**
 * The step timeline of a release, from its spec (which steps there are) and what the engine has
 * done (its memo's position and the ledger's step events). Pure.
 */
import type { CanaryStep, ReleaseSpec } from '../../core/spec.ts';
import type { LedgerEvent } from '../../core/types.ts';
import type { StepStatus, TimelineStep } from '../protocol.ts';
import type { EnvelopeView } from './envelope.ts';

const TERMINAL_BAD = new Set(['rolled-back', 'failed', 'aborted']);

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000}m` : `${Math.round(ms / 1000)}s`;
}

export function canaryStepLabel(step: CanaryStep): string {
  switch (step.kind) {
    case 'weight':
      return `${step.weight}% to candidate`;
    case 'pause':
      return step.durationMs === undefined ? 'pause until promoted' : `pause ${seconds(step.durationMs)}`;
    case 'analysis':
      return `analysis (at most ${seconds(step.maxDurationMs)})`;
  }
}

/** Labels of the release's stages, in order; the last one is always the promotion. */
export function stageLabels(spec: ReleaseSpec, firstRelease: boolean): string[] {
  if (firstRelease) return ['start candidate', 'all traffic to it'];
  const s = spec.strategy;
  if (s.kind === 'canary') return [...s.steps.map(canaryStepLabel), 'promote'];
  if (s.kind === 'blue-green') {
    return [
      'start candidate at full capacity',
      ...(s.prePromotionAnalysis ? ['pre-promotion analysis on preview'] : []),
      s.autoPromote ? 'switch traffic' : 'switch traffic (after promote)',
    ];
  }
  return ['roll instances', 'promote'];
}

/** Index of the stage in progress, from the strategy's memo (canary: its step; promoting: the last). */
function currentIndex(spec: ReleaseSpec, env: EnvelopeView | undefined, labels: string[]): number {
  const last = labels.length - 1;
  const m = env?.memo.strategy;
  if (!m) return 0;
  switch (m.kind) {
    case 'canary':
      return m.promoting ? last : Math.min(m.step, last);
    case 'blue-green': {
      if (m.stage === 'ready' || m.stage === 'switched') return last;
      const preview = spec.strategy.kind === 'blue-green' && spec.strategy.prePromotionAnalysis;
      return m.stage === 'preview' && preview ? 1 : 0;
    }
    case 'rolling':
      return env?.phase === 'promoting' ? last : 0;
    case 'first-release':
      return env?.phase === 'promoting' || env?.phase === 'promoted' ? last : 0;
  }
}

/**
 * Each stage done, current or pending. A finished release shows every stage done when promoted;
 * when rolled back, the stage it was in is marked failed and the rest stay pending.
 */
export function timeline(
  spec: ReleaseSpec,
  env: EnvelopeView | undefined,
  events: LedgerEvent[],
  outcome: string | undefined,
  firstRelease: boolean,
): TimelineStep[] {
  const labels = stageLabels(spec, firstRelease);
  const promoted = events.find((e) => e.kind === 'promoted');
  const stepEvents = events.filter((e) => e.kind === 'step' || e.kind === 'analysis');
  const at = outcome === 'promoted' ? labels.length : currentIndex(spec, env, labels);
  return labels.map((label, i): TimelineStep => {
    let status: StepStatus = i < at ? 'done' : i === at ? 'current' : 'pending';
    if (i === at && outcome !== undefined && TERMINAL_BAD.has(outcome)) status = 'failed';
    const step: TimelineStep = { label, status };
    const when = i === labels.length - 1 ? promoted?.at : stepEvents[i]?.at;
    if (status === 'done' && when !== undefined) step.at = when;
    return step;
  });
}
