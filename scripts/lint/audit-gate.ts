/**
 * `node scripts/lint/audit-gate.ts <npm-audit.json> <waivers.yaml> [threshold]` — prints a Markdown
 * summary and exits 1 when an advisory at or above the threshold (default high) is not waived.
 * Runs in GitHub Actions (ci.yml): the advisory endpoint is not reachable from the build machines.
 */
import { readFileSync } from 'node:fs';
import { type Advisory, AuditReportError, judge, SEVERITIES, type Severity } from './npm-audit.ts';
import { loadWaivers, WaiverError } from './waivers.ts';

const [reportFile, waiverFile, threshold = 'high'] = process.argv.slice(2);
if (
  reportFile === undefined ||
  waiverFile === undefined ||
  !(SEVERITIES as readonly string[]).includes(threshold)
) {
  process.stderr.write(`usage: audit-gate.ts <npm-audit.json> <waivers.yaml> [${SEVERITIES.join('|')}]\n`);
  process.exit(2);
}

const row = (a: Advisory) =>
  `| ${a.severity} | ${a.pkg} ${a.range} | [${a.id}](${a.url}) ${a.title.replaceAll('|', '/')} |`;

try {
  const waivers = loadWaivers(waiverFile);
  const verdict = judge(
    JSON.parse(readFileSync(reportFile, 'utf8')),
    waivers['npm-audit'].map((w) => w.id),
    threshold as Severity,
  );
  const out: string[] = [`### npm audit (threshold: ${threshold})`, ''];
  const table = (title: string, items: Advisory[]) => {
    if (items.length === 0) return;
    out.push(`**${title}**`, '', '| severity | package | advisory |', '|---|---|---|', ...items.map(row), '');
  };
  table('Failing', verdict.failing);
  table('Waived in security/waivers.yaml', verdict.waived);
  table('Below the threshold (reported only)', verdict.below);
  for (const id of verdict.unusedWaivers)
    out.push(`- waiver ${id} matched no advisory: remove it from security/waivers.yaml`);
  out.push(
    verdict.ok
      ? 'No unwaived advisory at or above the threshold.'
      : `${verdict.failing.length} unwaived advisories at or above ${threshold}.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
  process.exit(verdict.ok ? 0 : 1);
} catch (err) {
  if (!(err instanceof AuditReportError || err instanceof WaiverError || err instanceof SyntaxError))
    throw err;
  process.stderr.write(`audit-gate: ${err.message}\n`);
  process.exit(2);
}
