/**
 * An explanation as text, the way `slipway why` prints it: what happened and why on top, the
 * evidence it rests on, then every journaled decision with its inputs. Pure.
 */
import { distinctReasons, foldReasons } from './fold.ts';
import type { Explanation } from './story.ts';
import { evidenceWords } from './words.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export function renderExplanation(x: Explanation): string[] {
  const took =
    x.finishedAt === undefined
      ? 'still running'
      : `finished ${iso(x.finishedAt)} (${seconds(x.finishedAt - x.startedAt)})`;
  const lines = [
    `release ${x.release} of ${x.service} in ${x.environment}: ${x.outcome}`,
    `  ${x.strategy}, digest ${x.digest.replace(/^sha256:/, '').slice(0, 12)}, started ${iso(x.startedAt)}, ${took}`,
    '',
    `why: ${x.headline || 'no reason recorded'}`,
  ];
  const distinct = distinctReasons(x.reasons);
  if (distinct.length > 1) for (const r of distinct) lines.push(`  - ${r}`);
  if (x.decidedBy) {
    const cause = x.decidedBy.cause ? `, cause: ${x.decidedBy.cause}` : '';
    lines.push(`decided by rule ${x.decidedBy.rule}${cause}`);
  }
  if (x.verdict) {
    lines.push('', `evidence (verdict ${x.verdict.kind}):`);
    for (const w of evidenceWords(x.verdict.evidence)) lines.push(`  ${w}`);
  }
  lines.push('');
  if (x.decisions.length === 0) {
    lines.push('no decisions journaled (a release recorded before the decision journal existed)');
    return lines;
  }
  lines.push(`decisions (${x.decisions.length}):`);
  for (const d of x.decisions) {
    lines.push(`  +${seconds(d.sinceStartMs).padStart(7)}  ${d.phase.padEnd(11)} ${d.rule}`);
    lines.push(`             ${foldReasons([d.reason])}`);
    for (const detail of d.details) lines.push(`             ${detail}`);
  }
  return lines;
}
