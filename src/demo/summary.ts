/** The demo's summary: one object for `--json`, and a table for people. Pure formatting. */
import { formatTable } from '../app/progress/table.ts';

export interface ReleaseSummary {
  version: string;
  strategy: string;
  release: number;
  outcome: 'promoted' | 'rolled-back' | 'failed' | 'aborted';
  expected: 'promoted' | 'rolled-back';
  reason: string;
  durationMs: number;
  /** Requests answered while this release was being deployed. */
  requests: number;
  userErrors: number;
  /** Failed attempts on this release's revision (counted by the proxy for analysis). */
  candidateErrors: number;
  /** Of those, how many the proxy retried on stable, so no user saw them. */
  absorbed: number;
  /** From the candidate's first failure to the switch of its traffic back to stable. */
  rollbackMs?: number;
}

export interface DemoSummary {
  /** Every release ended as expected and no user saw an error. */
  ok: boolean;
  durationMs: number;
  endpoint: string;
  stateDir: string;
  rate: number;
  requests: number;
  userErrors: number;
  userErrorsGet: number;
  userErrorsPut: number;
  userErrorSamples: string[];
  candidateErrors: number;
  absorbed: number;
  rolledBack: boolean;
  rollbackMs: number | null;
  kept: boolean;
  releases: ReleaseSummary[];
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatSummary(d: DemoSummary): string[] {
  const rows = d.releases.map((r) => [
    `v${r.version}`,
    String(r.release),
    r.strategy,
    r.outcome === r.expected ? r.outcome : `${r.outcome} (expected ${r.expected})`,
    String(r.requests),
    String(r.userErrors),
    `${r.candidateErrors} (${r.absorbed} retried)`,
    r.rollbackMs === undefined ? '–' : `${r.rollbackMs} ms`,
    s(r.durationMs),
  ]);
  const head = [
    'version',
    'release',
    'strategy',
    'outcome',
    'requests',
    'user errors',
    'candidate errors',
    'to rollback',
    'took',
  ];
  const lines = [
    '',
    ...formatTable(head, rows),
    '',
    `requests served: ${d.requests} at ${d.rate} req/s · errors seen by users: ${d.userErrors}` +
      ` · errors absorbed on candidates: ${d.absorbed} of ${d.candidateErrors}` +
      (d.rollbackMs === null ? '' : ` · first candidate failure to rollback: ${d.rollbackMs} ms`),
    `demo took ${s(d.durationMs)}${d.kept ? ` · still running at ${d.endpoint} (state in ${d.stateDir})` : ''}`,
  ];
  for (const sample of d.userErrorSamples) lines.push(`  user error: ${sample}`);
  for (const r of d.releases) {
    if (r.outcome !== 'promoted') lines.push(`v${r.version} ${r.outcome}: ${r.reason}`);
  }
  return lines;
}
