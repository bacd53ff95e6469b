/**
 * CLI for scripts/ci/20-supply-chain.sh: `node scripts/lint/waiver-args.ts <waivers.yaml> <tool> args|file|list`.
 *   args  one skip argument per line, for `mapfile` (hadolint, checkov, actionlint)
 *   file  the content of the tool's skip file (zizmor config, .secretlintignore, id lists)
 *   list  a readable list of the tool's waivers with their reasons, for the CI log
 * Exit code 2 with the problems listed when the waiver file is invalid or a waiver has expired.
 */
import { skipArgs, skipFile } from './skip-args.ts';
import { loadWaivers, TOOLS, type Tool, WaiverError } from './waivers.ts';

const [file, tool, mode] = process.argv.slice(2);
const usage = `usage: waiver-args.ts <waivers.yaml> <${TOOLS.join('|')}> <args|file|list>`;

if (file === undefined || !TOOLS.includes(tool as Tool) || !['args', 'file', 'list'].includes(mode ?? '')) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}

try {
  const waivers = loadWaivers(file);
  const t = tool as Tool;
  if (mode === 'args')
    process.stdout.write(
      skipArgs(t, waivers)
        .map((a) => `${a}\n`)
        .join(''),
    );
  else if (mode === 'file') process.stdout.write(skipFile(t, waivers));
  else {
    for (const w of waivers[t]) {
      const scope = w.paths ? ` in ${w.paths.join(', ')}` : '';
      const until = w.expires ? ` (until ${w.expires})` : '';
      process.stdout.write(`  waived ${t} ${w.id}${scope}${until}: ${w.reason}\n`);
    }
  }
} catch (err) {
  if (!(err instanceof WaiverError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
