/**
 * `npm run bench:faults [-- --runs 3 --only keeper,daemon]`: the fault campaign of issue 13. Each row
 * (bench/faults/rows.ts) produces its fault for real on 127.0.0.1 under a probe (GET / every 10 ms)
 * and the table says: detected, the message (which should name the file/field and the fix), user
 * requests failed, the longest gap without an answer, and releases lost from history. With
 * `--runs N` every row runs N times; failed and gap are medians (the machine is shared and noisy).
 * Needs root for the tmpfs rows (mount); they are skipped with a note otherwise.
 */
import { parseArgs } from 'node:util';
import { ROWS, type Row, type Scope } from './rows.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1' }, only: { type: 'string' } },
});
const runs = Math.max(1, Number(values.runs));
const only = values.only?.split(',').map((s) => s.trim().toLowerCase());

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? NaN;

async function once(run: (s: Scope) => Promise<Row>): Promise<Row> {
  const cleanups: (() => unknown)[] = [];
  try {
    return await run({ after: (fn) => cleanups.push(fn) });
  } finally {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => {});
  }
}

const table: string[] = [
  '| fault | detected | message | user requests failed | longest gap (ms) | baseline gap (ms) | data lost | notes |',
  '|---|---|---|---|---|---|---|---|',
];
for (const row of ROWS) {
  if (only && !only.some((o) => row.name.toLowerCase().includes(o))) continue;
  if (row.name.match(/disk|read-only/) && process.getuid?.() !== 0) {
    table.push(`| ${row.name} | – | skipped: needs root for mount -t tmpfs | – | – | – | – | |`);
    continue;
  }
  const results: Row[] = [];
  for (let i = 0; i < runs; i++) {
    try {
      const r = await once(row.run);
      results.push(r);
      process.stderr.write(
        `${row.name} run ${i + 1}: failed ${r.failed}, gap ${r.gapMs} ms (baseline ${r.baselineGapMs}), ${r.message.slice(0, 200)}\n`,
      );
    } catch (err) {
      process.stderr.write(`${row.name} run ${i + 1} broke: ${(err as Error).message}\n`);
    }
  }
  const first = results[0];
  if (!first) {
    table.push(`| ${row.name} | ? | the row itself failed (see stderr) | – | – | – | – | |`);
    continue;
  }
  const failed = results.map((r) => r.failed);
  const gaps = results.map((r) => r.gapMs);
  const range = (xs: number[]) => (xs.length > 1 ? ` (${Math.min(...xs)}–${Math.max(...xs)})` : '');
  table.push(
    `| ${first.fault} | ${results.every((r) => r.detected) ? 'yes' : 'NO'} | ${first.message.replaceAll('|', '\\|')} | ${median(failed)}${range(failed)} | ${median(gaps)}${range(gaps)} | ${median(results.map((r) => r.baselineGapMs))} | ${first.lost.length ? first.lost.join(', ') : 'none'} | ${first.notes ?? ''} |`,
  );
}
process.stdout.write(`${table.join('\n')}\n`);
