/**
 * The judge's own guard on its numbers. The config layer validates `slipway.yaml` with paths and hints;
 * this catches a caller that builds an AnalysisSpec by hand with a value the statistics cannot use.
 */
import type { AnalysisSpec } from '../spec.ts';

function fraction(name: string, value: number | undefined, hint: string): void {
  if (!(typeof value === 'number' && value > 0 && value < 1)) {
    throw new RangeError(
      `judge: analysis.${name} must be a number strictly between 0 and 1 (${hint}), got ${String(value)}`,
    );
  }
}

export function assertAnalysisSpec(spec: AnalysisSpec): void {
  fraction('alpha', spec.alpha, 'e.g. 0.01 for at most 1% false rollbacks');
  fraction('maxErrorRate', spec.maxErrorRate, 'e.g. 0.01 for 1%');
  if (spec.maxSlowRate !== undefined)
    fraction('maxSlowRate', spec.maxSlowRate, 'e.g. 0.01 for "p99 under maxLatencyMs"');
  if (!(typeof spec.failureBudget === 'number' && spec.failureBudget >= 1)) {
    throw new RangeError(
      `judge: analysis.failureBudget must be at least 1 failed request, got ${String(spec.failureBudget)}`,
    );
  }
  if (!(Number.isSafeInteger(spec.minSample) && spec.minSample >= 0)) {
    throw new RangeError(
      `judge: analysis.minSample must be a whole number of requests >= 0, got ${String(spec.minSample)}`,
    );
  }
  if (!['fail', 'pass', 'inconclusive'].includes(spec.noData)) {
    throw new RangeError(
      `judge: analysis.noData must be 'fail', 'pass' or 'inconclusive', got ${String(spec.noData)}`,
    );
  }
}
