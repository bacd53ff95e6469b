/**
 * bench/bad-release: what a bad release costs users on the local target. For a candidate failing
 * 100% and 5% of its requests, under 100 and 1,000 req/s of GET load (idempotent traffic) on
 * 127.0.0.1 with the canary at 10%: errors users saw, failed attempts on the candidate, and the
 * time from the candidate's first failure to the switch back. Medians of RUNS runs per row.
 * Prints a markdown table; asserts nothing about time.
 *
 *   npm run bench:bad-release            (RUNS=3 by default; RUNS=5 npm run bench:bad-release)
 */

import type { DemoRelease } from '../../src/demo/plan.ts';
import { runDemo } from '../../src/demo/run.ts';
import type { ReleaseSummary } from '../../src/demo/summary.ts';

const RUNS = Math.max(3, Number(process.env.RUNS ?? 3));
const SCENARIOS: { failRate: number; rate: number }[] = [
  { failRate: 1, rate: 100 },
  { failRate: 0.05, rate: 100 },
  { failRate: 1, rate: 1000 },
  { failRate: 0.05, rate: 1000 },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const rows: string[] = [];
for (const { failRate, rate } of SCENARIOS) {
  const bad: DemoRelease = {
    version: `bad-${failRate}`,
    strategy: 'canary',
    faults: { FAIL_RATE: String(failRate) },
    expect: 'rolled-back',
  };
  const summary = await runDemo({
    mode: 'quiet',
    rate,
    putShare: 0,
    loadMaxMs: 600_000,
    // Hold 10% for up to a minute: the judge, not the step timer, ends the release.
    canary: { weights: [10], holdMs: 60_000 },
    releases: [
      { version: '1.0.0', strategy: 'rolling', faults: {}, expect: 'promoted' },
      ...Array(RUNS).fill(bad),
    ],
  });
  const runs = summary.releases.slice(1) as ReleaseSummary[];
  const detected = runs.filter((r) => r.outcome !== 'promoted');
  const line = [
    `${failRate * 100}%`,
    String(rate),
    median(runs.map((r) => (r.requests * 1000) / r.durationMs)).toFixed(0),
    `${detected.length}/${runs.length}`,
    String(median(runs.map((r) => r.userErrors))),
    String(median(runs.map((r) => r.candidateErrors))),
    String(median(runs.map((r) => r.absorbed))),
    detected.length
      ? `${(median(detected.map((r) => r.rollbackMs ?? Number.NaN)) / 1000).toFixed(2)} s`
      : '–',
    `${runs.map((r) => `${r.userErrors}/${r.candidateErrors}/${r.rollbackMs ?? '–'}`).join(', ')}`,
  ];
  rows.push(`| ${line.join(' | ')} |`);
  process.stderr.write(`done: ${failRate * 100}% at ${rate} req/s\n`);
}

process.stdout.write(
  [
    `Bad canary at 10% weight, GET load on 127.0.0.1, medians of ${RUNS} runs (${new Date().toISOString().slice(0, 10)}, ${process.platform}/${process.arch}, Node ${process.version})`,
    '',
    '| candidate fails | load (req/s) | achieved (req/s) | rolled back | user errors | candidate errors | retried on stable | first failure → rollback | runs (user/candidate/ms) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n'),
);
