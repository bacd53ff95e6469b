/**
 * bench/config: validation time and peak memory against config size, to show it is linear up to
 * the 1 MiB limit (docs/config.md, "Limits"). Each size is validated in a fresh Node process, so its
 * peak RSS is the process's own; three interleaved runs per size, medians. A benchmark: it prints a
 * markdown table and asserts nothing.
 *
 *   npm run bench:config [-- --runs 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, child: { type: 'string' } },
});

if (values.child) {
  // Child: validate one file, print elapsed ms and peak RSS.
  const { validateConfigFile } = await import('../../src/config/index.ts');
  const t0 = performance.now();
  const result = await validateConfigFile(values.child);
  const ms = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ ms, ok: result.ok, rssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
  process.exit(0);
}

const runs = Number(values.runs);
const example = readFileSync(
  fileURLToPath(new URL('../../examples/hello/slipway.yaml', import.meta.url)),
  'utf8',
);
const dir = mkdtempSync(join(tmpdir(), 'slipway-bench-config-'));
const SIZES = [16 * 1024, 128 * 1024, 512 * 1024, 1000 * 1024, 2 * 1024 * 1024, 50 * 1024 * 1024];

function write(size: number): { file: string; keys: number } {
  let extra = '';
  let keys = 0;
  while (example.length + extra.length < size) extra += `  K${keys}_VAR: value${keys++}\n`;
  const file = join(dir, `${size}.yaml`);
  writeFileSync(file, example.replace('env:\n  LOG_LEVEL: info\n', `env:\n  LOG_LEVEL: info\n${extra}`));
  return { file, keys };
}

const files = SIZES.map(write);
const samples = SIZES.map(() => [] as { ms: number; ok: boolean; rssMb: number }[]);
for (let r = 0; r < runs; r++) {
  for (const [i, { file }] of files.entries()) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file], {
      encoding: 'utf8',
    });
    samples[i]!.push(JSON.parse(out));
  }
}
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`| size | env keys | answer | validation ms (median of ${runs}) | µs per KiB | peak RSS MB |`);
console.log('|---|---|---|---|---|---|');
for (const [i, size] of SIZES.entries()) {
  const ms = median(samples[i]!.map((s) => s.ms));
  const rss = median(samples[i]!.map((s) => s.rssMb));
  const answer = samples[i]![0]!.ok ? 'valid' : 'refused';
  const kib = size / 1024;
  console.log(
    `| ${kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`} | ${files[i]!.keys} | ${answer} | ${ms.toFixed(0)} | ${((ms * 1000) / kib).toFixed(0)} | ${rss.toFixed(0)} |`,
  );
}
