/**
 * Pure rules behind the operations that are not a strategy: which release a rollback returns to,
 * and the release spec that does it.
 */
import type { ReleaseSpec } from './spec.ts';
import type { Phase } from './types.ts';

/** What the rollback rules need from a ledger record. */
export interface ReleaseSummary {
  release: number;
  outcome?: Phase;
  digest: string;
  configHash: string;
  /** Revision that ran the release (a rollback may have reused an older one). */
  revision?: number;
}

/** The release serving now: the last one that was promoted. */
export function currentRelease<T extends ReleaseSummary>(history: T[]): T | undefined {
  return history.filter((r) => r.outcome === 'promoted').at(-1);
}

/**
 * Which release a rollback runs again. With `to`, that release (it must have been promoted once);
 * without, the last promoted release that runs something different from the current one (another
 * digest or configuration), so rolling back twice does not just toggle onto an identical copy.
 */
export function rollbackTarget<T extends ReleaseSummary>(
  history: T[],
  to?: number,
): { ok: T; error?: undefined } | { ok?: undefined; error: string } {
  const current = currentRelease(history);
  if (to !== undefined) {
    const wanted = history.find((r) => r.release === to);
    if (!wanted) {
      const known = history.map((r) => r.release).join(', ') || 'none';
      return { error: `release ${to} does not exist in this environment (releases: ${known})` };
    }
    if (wanted.outcome !== 'promoted') {
      return {
        error: `release ${to} never went live (outcome: ${wanted.outcome ?? 'in progress'}); pick a promoted one`,
      };
    }
    if (current && sameContent(current, wanted)) {
      return {
        error: `release ${to} runs the same digest and config as the current release ${current.release}`,
      };
    }
    return { ok: wanted };
  }
  if (!current) return { error: 'nothing to roll back: no release has been promoted in this environment' };
  const previous = history
    .filter((r) => r.outcome === 'promoted' && r.release < current.release && !sameContent(r, current))
    .at(-1);
  if (!previous)
    return { error: `release ${current.release} is the only good release; there is nothing before it` };
  return { ok: previous };
}

/**
 * The spec of a rollback: a new release number running release N's digest and config with an
 * immediate switch (blue-green, no analysis, automatic promotion, no scale-down delay). When N's
 * revision is still running (`runningRevision`), it is reused and the switch is instant.
 */
export function rollbackSpec(base: ReleaseSpec, release: number, runningRevision?: number): ReleaseSpec {
  return {
    ...base,
    release,
    revision: runningRevision,
    strategy: { kind: 'blue-green', prePromotionAnalysis: false, autoPromote: true, scaleDownDelayMs: 0 },
  };
}

function sameContent(a: ReleaseSummary, b: ReleaseSummary): boolean {
  return a.digest === b.digest && a.configHash === b.configHash;
}
