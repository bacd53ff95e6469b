/**
 * The three rollback policies the benchmark compares, fed the same per-second traffic.
 *
 * - Slipway: the real judge (`src/core/analysis/judge.ts`), called once per simulated second with the
 *   cumulative counts; it stops at its first `pass` or `fail`.
 * - Flagger-like: `analysis.interval: 60s`, `threshold: 1`, metric `request-success-rate` with
 *   `thresholdRange.min: 99`: every 60 s it checks the last minute's success rate and rolls back at the
 *   first check below 99%; after `checks` passing checks it promotes. A check with no candidate requests
 *   is skipped, as Flagger does when a query returns no data.
 * - Argo-Rollouts-like: `steps: [setWeight: 10, pause: {duration: 60s}, analysis]`, the analysis being
 *   one measurement (`count: 1`) of the success rate over the pause, failing below 95%
 *   (`successCondition: result >= 0.95`); otherwise it promotes.
 */
import { type JudgeState, judge } from '../../src/core/analysis/judge.ts';
import type { AnalysisSpec } from '../../src/core/spec.ts';
import type { RevisionCounts } from '../../src/core/types.ts';

export type OutcomeKind = 'rollback' | 'promote';

export interface Outcome {
  kind: OutcomeKind;
  /** Simulated second at whose end the decision was taken. */
  at: number;
}

/** One release under one policy: told the cumulative counts at the end of every second. */
export interface PolicyRun {
  tick(second: number, stable: RevisionCounts, candidate: RevisionCounts): Outcome | undefined;
}

export interface Policy {
  name: string;
  start(): PolicyRun;
}

export function slipwayPolicy(spec: AnalysisSpec): Policy {
  return {
    name: 'Slipway',
    start() {
      let state: JudgeState | undefined;
      return {
        tick(second, stable, candidate) {
          const { verdict, state: next } = judge(spec, state, stable, candidate);
          state = next;
          if (verdict.kind === 'fail') return { kind: 'rollback', at: second };
          if (verdict.kind === 'pass') return { kind: 'promote', at: second };
          return undefined;
        },
      };
    },
  };
}

/** Success rate over a window of candidate counts; undefined when the window had no requests. */
function successRate(before: RevisionCounts, after: RevisionCounts): number | undefined {
  const requests = after.requests - before.requests;
  if (requests === 0) return undefined;
  return 1 - (after.errors - before.errors) / requests;
}

export function flaggerLikePolicy(opts: {
  intervalS: number;
  minSuccessRate: number;
  threshold: number;
  checks: number;
}): Policy {
  return {
    name: 'Flagger-like',
    start() {
      let windowStart: RevisionCounts = { requests: 0, errors: 0, slow: 0 };
      let failedChecks = 0;
      let passedChecks = 0;
      return {
        tick(second, _stable, candidate) {
          if (second % opts.intervalS !== 0) return undefined;
          const rate = successRate(windowStart, candidate);
          windowStart = { ...candidate };
          if (rate === undefined) return undefined;
          if (rate < opts.minSuccessRate) failedChecks++;
          else passedChecks++;
          if (failedChecks >= opts.threshold) return { kind: 'rollback', at: second };
          if (passedChecks >= opts.checks) return { kind: 'promote', at: second };
          return undefined;
        },
      };
    },
  };
}

export function argoLikePolicy(opts: { pauseS: number; minSuccessRate: number }): Policy {
  return {
    name: 'Argo-Rollouts-like',
    start() {
      return {
        tick(second, _stable, candidate) {
          if (second < opts.pauseS) return undefined;
          const rate = successRate({ requests: 0, errors: 0, slow: 0 }, candidate);
          return {
            kind: rate === undefined || rate >= opts.minSuccessRate ? 'promote' : 'rollback',
            at: second,
          };
        },
      };
    },
  };
}
