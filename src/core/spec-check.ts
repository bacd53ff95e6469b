/**
 * The core's own guard on a ReleaseSpec. `src/config` validates `slipway.yaml` with paths and hints
 * for users; this catches a caller (a CLI command, a test, a script) that builds a spec by hand with
 * numbers the strategies cannot work with, and reports every problem at once.
 */
import type { ReleaseSpec } from './spec.ts';

export class InvalidReleaseSpecError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid release spec:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidReleaseSpecError';
    this.problems = problems;
  }
}

export function releaseSpecProblems(spec: ReleaseSpec): string[] {
  const problems: string[] = [];
  const int = (path: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER, hint = '') => {
    if (!(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max)) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
      problems.push(`${path}: expected a whole number ${range}${hint}, got ${JSON.stringify(v)}`);
    }
  };
  int('release', spec.release, 1);
  if (spec.revision !== undefined) int('revision', spec.revision, 1);
  int('replicas', spec.replicas, 1, Number.MAX_SAFE_INTEGER, ' (instances the service needs)');
  int('progressDeadlineMs', spec.progressDeadlineMs, 1);
  int('drainMs', spec.drainMs, 0);
  if (!/^sha256:[0-9a-f]{64}$/.test(spec.artifact?.digest ?? '')) {
    problems.push(
      `artifact.digest: expected sha256:<64 hex digits>, got ${JSON.stringify(spec.artifact?.digest)}`,
    );
  }
  if (spec.analysis?.intervalMs !== undefined) int('analysis.intervalMs', spec.analysis.intervalMs, 1);
  const names = new Set<string>();
  (spec.analysis?.checks ?? []).forEach((c, i) => {
    const at = `analysis.checks[${i}]`;
    if (typeof c.name !== 'string' || c.name === '' || names.has(c.name))
      problems.push(`${at}.name: expected a unique, non-empty name, got ${JSON.stringify(c.name)}`);
    names.add(c.name);
    if (c.kind === 'http') {
      int(`${at}.expectStatus`, c.expectStatus, 100, 599);
      int(`${at}.timeoutMs`, c.timeoutMs, 1);
    } else if (c.kind === 'prometheus') {
      if (!URL.canParse(c.address))
        problems.push(`${at}.address: expected a URL, got ${JSON.stringify(c.address)}`);
      if (c.max === undefined && c.min === undefined) problems.push(`${at}: expected max and/or min`);
    } else {
      problems.push(
        `${at}.kind: expected prometheus or http, got ${JSON.stringify((c as { kind: unknown }).kind)}`,
      );
    }
  });
  const s = spec.strategy;
  if (s.kind === 'rolling') {
    int('strategy.maxSurge', s.maxSurge, 0);
    int('strategy.maxUnavailable', s.maxUnavailable, 0);
  } else if (s.kind === 'blue-green') {
    int('strategy.scaleDownDelayMs', s.scaleDownDelayMs, 0);
    if (s.analysisMaxDurationMs !== undefined)
      int('strategy.analysisMaxDurationMs', s.analysisMaxDurationMs, 1);
  } else if (s.kind === 'canary') {
    s.steps.forEach((step, i) => {
      const at = `strategy.steps[${i}]`;
      if (step.kind === 'weight') int(`${at}.weight`, step.weight, 0, 100, ' (percent of traffic)');
      else if (step.kind === 'pause' && step.durationMs !== undefined)
        int(`${at}.durationMs`, step.durationMs, 0);
      else if (step.kind === 'analysis') int(`${at}.maxDurationMs`, step.maxDurationMs, 1);
    });
  } else {
    problems.push(
      `strategy.kind: expected rolling, blue-green or canary, got ${JSON.stringify((s as { kind: unknown }).kind)}`,
    );
  }
  return problems;
}

export function assertReleaseSpec(spec: ReleaseSpec): void {
  const problems = releaseSpecProblems(spec);
  if (problems.length > 0) throw new InvalidReleaseSpecError(problems);
}
