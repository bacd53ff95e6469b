/**
 * bench/analysis: how fast and how safely each rollback policy decides, over many simulated releases.
 * A benchmark, not a test: it prints a markdown table and asserts nothing.
 *
 *   npm run bench:analysis [-- --releases 2000 --seed 1]
 *
 * Time is simulated (no clock is read): 100 requests per second, the candidate at 10% weight, every
 * policy fed the same seconds of the same release; Slipway's judge is called once per simulated second.
 */
import { parseArgs } from 'node:util';
import type { AnalysisSpec } from '../../src/core/spec.ts';
import { argoLikePolicy, flaggerLikePolicy, type Policy, slipwayPolicy } from './policies.ts';
import { type Result, type Scenario, simulateRelease, type Traffic } from './simulate.ts';
import { median, p95 } from './stats.ts';

const { values } = parseArgs({
  options: { releases: { type: 'string', default: '2000' }, seed: { type: 'string', default: '1' } },
});
const releases = Number(values.releases);
const seed = Number(values.seed);
if (!Number.isSafeInteger(releases) || releases < 1)
  throw new Error(`--releases must be a whole number >= 1, got ${values.releases}`);
if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be a whole number, got ${values.seed}`);

const SPEC: AnalysisSpec = {
  maxErrorRate: 0.01,
  failureBudget: 50,
  minSample: 500,
  alpha: 0.01,
  noData: 'inconclusive',
};
const TRAFFIC: Traffic = { requestsPerSecond: 100, candidateWeight: 0.1, horizonS: 600 };
const POLICIES: Policy[] = [
  slipwayPolicy(SPEC),
  flaggerLikePolicy({ intervalS: 60, minSuccessRate: 0.99, threshold: 1, checks: 10 }),
  argoLikePolicy({ pauseS: 60, minSuccessRate: 0.95 }),
];

const ROWS: Array<{ key: string; label: string; scenario: Scenario }> = [
  {
    key: 'a',
    label: '(a) candidate fails 100%, stable 0.1%',
    scenario: { stableErrorRate: 0.001, candidateErrorRate: 1 },
  },
  {
    key: 'b',
    label: '(b) candidate 5%, stable 0.1%',
    scenario: { stableErrorRate: 0.001, candidateErrorRate: 0.05 },
  },
  {
    key: 'c1',
    label: '(c) healthy: both 0.1%',
    scenario: { stableErrorRate: 0.001, candidateErrorRate: 0.001 },
  },
  { key: 'c2', label: '(c) healthy: both 0%', scenario: { stableErrorRate: 0, candidateErrorRate: 0 } },
];

/** results[policy][release] for one row. */
function runRow(scenario: Scenario, rowIndex: number): Result[][] {
  const byPolicy: Result[][] = POLICIES.map(() => []);
  for (let r = 0; r < releases; r++) {
    const results = simulateRelease(scenario, TRAFFIC, POLICIES, seed * 1_000_003 + rowIndex * 100_003 + r);
    for (const [i, result] of results.entries()) byPolicy[i]!.push(result);
  }
  return byPolicy;
}

const rolledBack = (rs: Result[]) => rs.filter((r) => r.outcome?.kind === 'rollback');
const fmt = (n: number) => (Number.isNaN(n) ? '–' : String(Number(n.toPrecision(4))));
const rate = (count: number) => `${fmt((100 * count) / releases)}% (${count}/${releases})`;
const ratio = (other: number, ours: number) => (ours > 0 && other > 0 ? `${fmt(other / ours)}×` : '–');

type Measure = { label: string; values: number[]; text?: string[]; ratios?: boolean };

function measures(key: string, byPolicy: Result[][]): Measure[] {
  const rb = byPolicy.map(rolledBack);
  const decidedAt = (rs: Result[]) => rs.map((r) => r.outcome!.at);
  const failed = (rs: Result[]) => rs.map((r) => r.candidateErrors);
  if (key === 'a') {
    return [
      {
        label: 'failed requests before rollback, median',
        values: rb.map((rs) => median(failed(rs))),
        ratios: true,
      },
      {
        label: 'failed requests before rollback, p95',
        values: rb.map((rs) => p95(failed(rs))),
        ratios: true,
      },
      { label: 'time to decision, median (s)', values: rb.map((rs) => median(decidedAt(rs))), ratios: true },
      { label: 'time to decision, p95 (s)', values: rb.map((rs) => p95(decidedAt(rs))), ratios: true },
      { label: 'rolled back', values: rb.map((rs) => rs.length), text: rb.map((rs) => rate(rs.length)) },
    ];
  }
  if (key === 'b') {
    return [
      { label: 'detection rate', values: rb.map((rs) => rs.length), text: rb.map((rs) => rate(rs.length)) },
      {
        label: 'candidate requests to detect, median',
        values: rb.map((rs) => median(rs.map((r) => r.candidateRequests))),
        ratios: true,
      },
      {
        label: 'failed requests before rollback, median',
        values: rb.map((rs) => median(failed(rs))),
        ratios: true,
      },
    ];
  }
  const promoted = byPolicy.map((rs) => rs.filter((r) => r.outcome?.kind === 'promote'));
  const undecided = byPolicy.map((rs) => rs.filter((r) => r.outcome === undefined).length);
  return [
    { label: 'false rollbacks', values: rb.map((rs) => rs.length), text: rb.map((rs) => rate(rs.length)) },
    { label: 'time to promote, median (s)', values: promoted.map((rs) => median(decidedAt(rs))) },
    { label: `undecided after ${TRAFFIC.horizonS} s`, values: undecided, text: undecided.map(rate) },
  ];
}

const started = performance.now();
const lines = [
  `Releases per row: ${releases}; seed ${seed}; ${TRAFFIC.requestsPerSecond} req/s, candidate weight ${TRAFFIC.candidateWeight * 100}%, horizon ${TRAFFIC.horizonS} s; Slipway judge called every simulated second with alpha ${SPEC.alpha}, maxErrorRate ${SPEC.maxErrorRate}, minSample ${SPEC.minSample}, failureBudget ${SPEC.failureBudget}.`,
  '',
  `| scenario | measure | ${POLICIES.map((p) => p.name).join(' | ')} | Flagger-like ÷ Slipway | Argo-like ÷ Slipway |`,
  `|---|---|${POLICIES.map(() => '---:').join('|')}|---:|---:|`,
];
ROWS.forEach((row, rowIndex) => {
  for (const m of measures(row.key, runRow(row.scenario, rowIndex))) {
    const cells = m.text ?? m.values.map(fmt);
    const [ours, flagger, argo] = m.values as [number, number, number];
    const ratios = m.ratios ? [ratio(flagger, ours), ratio(argo, ours)] : ['', ''];
    lines.push(`| ${row.label} | ${m.label} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
});
lines.push('', `(simulation took ${((performance.now() - started) / 1000).toFixed(1)} s of wall time)`);
console.log(lines.join('\n'));
