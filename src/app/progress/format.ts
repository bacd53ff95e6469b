/**
 * Pure formatting of release progress: the live block (TTY), the plain timestamped lines (CI) and
 * the JSON events (`--json`). The renderer feeds these with snapshots; nothing here does I/O.
 */
import type { Decision } from '../../core/decision.ts';
import type { Observed, Phase, RevisionObservation, Verdict } from '../../core/types.ts';
import type { OperationOutcome } from '../../engine/index.ts';
import type { WindowStats } from '../../targets/samples.ts';

export interface Snapshot {
  at: number;
  environment: string;
  release: number;
  phase: Phase;
  reason: string;
  weights: Record<string, number>;
  revisions: RevisionObservation[];
  /** Per revision (release number as string): statistics of the last window. */
  stats: Record<string, WindowStats>;
  verdict?: Verdict;
}

export function snapshotOf(
  decision: Decision,
  observed: Observed,
  ctx: { at: number; environment: string; release: number; stats?: Record<string, WindowStats> },
): Snapshot {
  const s: Snapshot = {
    at: ctx.at,
    environment: ctx.environment,
    release: ctx.release,
    phase: decision.phase,
    reason: decision.reason,
    weights: { ...observed.weights },
    revisions: observed.revisions.map((r) => ({ ...r })),
    stats: ctx.stats ?? {},
  };
  if (decision.verdict) s.verdict = decision.verdict;
  return s;
}

/** `3 → 90%, 4 → 10%`, highest release first; `no traffic` when nothing is routed. */
export function formatWeights(weights: Record<string, number>): string {
  const entries = Object.entries(weights)
    .filter(([, w]) => w > 0)
    .sort(([a], [b]) => Number(b) - Number(a));
  if (entries.length === 0) return 'no traffic';
  return entries.map(([rev, w]) => `#${rev} ${w}%`).join(', ');
}

export function formatPercent(rate: number | undefined): string {
  if (rate === undefined) return '–';
  if (rate === 0) return '0%';
  if (rate < 0.001) return '<0.1%';
  return `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** `42.0 req/s · errors 1.2% · p50 2.5 ms · p99 25 ms` (mean when percentiles are unknown). */
export function formatStats(stats: WindowStats | undefined): string {
  if (!stats || stats.requestsPerSec === 0) return 'no requests';
  const parts = [`${stats.requestsPerSec.toFixed(1)} req/s`, `errors ${formatPercent(stats.errorRate)}`];
  if (stats.p50Ms !== undefined || stats.p99Ms !== undefined) {
    parts.push(`p50 ${formatMs(stats.p50Ms)}`, `p99 ${formatMs(stats.p99Ms)}`);
  } else if (stats.meanMs !== undefined) parts.push(`mean ${formatMs(stats.meanMs)}`);
  return parts.join(' · ');
}

function revisionLine(s: Snapshot, r: RevisionObservation): string {
  const role = r.release === s.release ? 'candidate' : 'stable';
  const weight = s.weights[String(r.release)] ?? 0;
  const health = r.failed ? `FAILED: ${r.failed}` : `${r.ready}/${r.desired} ready`;
  return `  #${r.release} ${role.padEnd(9)} ${String(weight).padStart(3)}%  ${health}  ${formatStats(s.stats[String(r.release)])}`;
}

export function formatVerdict(v: Verdict | undefined): string | undefined {
  if (!v) return undefined;
  return `verdict ${v.kind}: ${v.reasons.join('; ')}`;
}

/** The live block redrawn in a terminal. */
export function formatBlock(s: Snapshot, elapsedMs: number): string[] {
  const lines = [
    `${s.environment} · release ${s.release} · ${s.phase} · ${(elapsedMs / 1000).toFixed(0)}s`,
    `  ${s.reason}`,
    `  traffic: ${formatWeights(s.weights)}`,
    ...[...s.revisions].sort((a, b) => b.release - a.release).map((r) => revisionLine(s, r)),
  ];
  const verdict = formatVerdict(s.verdict);
  if (verdict) lines.push(`  ${verdict}`);
  return lines;
}

/** What must change for CI output to print a new line: phase, reason, weights, readiness, verdict. */
export function changeKey(s: Snapshot): string {
  const revs = s.revisions.map((r) => `${r.release}:${r.ready}/${r.desired}:${r.failed ?? ''}`).join(',');
  return [s.phase, s.reason, formatWeights(s.weights), revs, s.verdict?.kind ?? ''].join('|');
}

/** One plain line for CI logs: `2026-01-01T10:00:00.000Z release 4 analysing: … | #4 10%, #3 90% | …`. */
export function formatPlainLine(s: Snapshot): string {
  const parts = [`${new Date(s.at).toISOString()} release ${s.release} ${s.phase}: ${s.reason}`];
  parts.push(`traffic ${formatWeights(s.weights)}`);
  for (const r of [...s.revisions].sort((a, b) => b.release - a.release)) {
    const stats = s.stats[String(r.release)];
    const health = r.failed ? `failed (${r.failed})` : `${r.ready}/${r.desired} ready`;
    parts.push(`#${r.release} ${health}${stats ? `, ${formatStats(stats)}` : ''}`);
  }
  const verdict = formatVerdict(s.verdict);
  if (verdict) parts.push(verdict);
  return parts.join(' | ');
}

export function jsonEvent(s: Snapshot): Record<string, unknown> {
  return { type: 'progress', ...s, at: new Date(s.at).toISOString() };
}

/** How an outcome reads for people: `release 4 promoted: …` plus the reasons, one per line. */
export function formatOutcome(o: OperationOutcome, environment: string): string[] {
  const head: Record<OperationOutcome['kind'], string> = {
    promoted: 'released',
    'rolled-back': 'rolled back',
    aborted: 'aborted and rolled back',
    failed: 'FAILED',
  };
  const extra = o.reasons.filter((r) => r !== o.reason);
  return [
    `release ${o.release} in ${environment} ${head[o.kind]}: ${o.reason}`,
    ...extra.map((r) => `  - ${r}`),
  ];
}

export function jsonOutcome(o: OperationOutcome, environment: string): Record<string, unknown> {
  return {
    type: 'outcome',
    environment,
    release: o.release,
    outcome: o.kind,
    phase: o.phase,
    reason: o.reason,
    reasons: o.reasons,
    ...(o.verdict ? { verdict: o.verdict } : {}),
  };
}
