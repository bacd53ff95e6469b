/**
 * Turning the cumulative counters the engine observes into the deltas the sequential tests consume.
 *
 * Counters are cumulative since the candidate started; a counter that goes down means the source was
 * reset (a restarted proxy or pod), and, as Prometheus' rate() does, the new value is then taken as
 * the increase since the reset. The judge keeps its own running totals so a reset loses nothing.
 */
import type { RevisionCounts } from '../types.ts';

export const ZERO_COUNTS: RevisionCounts = { requests: 0, errors: 0, slow: 0 };

/** Throws a RangeError naming the revision, the field and the bad value. */
export function assertCounts(role: 'stable' | 'candidate', counts: RevisionCounts): void {
  for (const field of ['requests', 'errors', 'slow'] as const) {
    const value = counts[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `judge: ${role}.${field} must be a whole number >= 0, got ${String(value)}; counters are cumulative request counts`,
      );
    }
  }
  for (const field of ['errors', 'slow'] as const) {
    if (counts[field] > counts.requests) {
      throw new RangeError(
        `judge: ${role}.${field} (${counts[field]}) exceeds ${role}.requests (${counts.requests}); every ${field === 'errors' ? 'failed' : 'slow'} request must also be counted as a request`,
      );
    }
  }
}

/**
 * The increase from `before` to `after`.
 *
 * Worked examples:
 * - {100, 2, 0} → {150, 3, 1} gives {50, 1, 1}
 * - {100, 2, 0} → {30, 0, 0} (a reset) gives {30, 0, 0}
 */
export function countsDelta(before: RevisionCounts, after: RevisionCounts): RevisionCounts {
  const reset = after.requests < before.requests || after.errors < before.errors || after.slow < before.slow;
  if (reset) return { requests: after.requests, errors: after.errors, slow: after.slow };
  return {
    requests: after.requests - before.requests,
    errors: after.errors - before.errors,
    slow: after.slow - before.slow,
  };
}

export function addCounts(a: RevisionCounts, b: RevisionCounts): RevisionCounts {
  return { requests: a.requests + b.requests, errors: a.errors + b.errors, slow: a.slow + b.slow };
}
