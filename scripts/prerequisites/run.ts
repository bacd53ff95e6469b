/**
 * `npm test` runs the suite through this script: it makes sure every tool of ./list.ts is there
 * (installing what is missing, and saying what it installed), then runs the given command with
 * the cached tools first on PATH and exits with its code.
 *
 *   node scripts/prerequisites/run.ts                       # check and install only
 *   node scripts/prerequisites/run.ts --check               # report, install nothing (exit 1 if any is missing)
 *   node scripts/prerequisites/run.ts -- node --test ...    # then run the tests
 *
 * A tool that cannot be installed here (no root, no network) is reported with the one line that
 * installs it. Under CI=true that stops the run (the tests that need it must not skip there);
 * elsewhere the tests start anyway and those needing the tool skip.
 */
import { spawn } from 'node:child_process';
import { ensure, idOf, PREREQUISITES, pathWithTools } from './index.ts';

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const flags = dash === -1 ? args : args.slice(0, dash);
const command = dash === -1 ? [] : args.slice(dash + 1);
const checkOnly = flags.includes('--check');
const ci = process.env.CI === 'true';

const outcomes = ensure({ checkOnly });
const present = outcomes.filter((o) => o.status === 'present').map((o) => o.bin);
if (present.length > 0) console.log(`prerequisites: present: ${present.join(', ')}`);
let missing = 0;
for (const o of outcomes) {
  const why = PREREQUISITES.find((p) => idOf(p) === o.bin)?.why ?? '';
  if (o.status === 'installed')
    console.log(`prerequisites: installed ${o.bin} (${o.how}, ${o.seconds} s) at ${o.path}`);
  if (o.status === 'missing') {
    missing++;
    console.error(
      `prerequisites: ${o.bin} is missing (${o.reason}); ${why}. Install it with: ${o.instruction}`,
    );
  }
}
if (missing > 0 && (ci || checkOnly)) {
  console.error(
    `prerequisites: ${missing} missing${ci ? ' under CI=true, where the tests that need them must run' : ''}; stopping`,
  );
  process.exit(1);
}
if (command.length > 0) {
  const [cmd, ...rest] = command as [string, ...string[]];
  const child = spawn(cmd, rest, { stdio: 'inherit', env: { ...process.env, PATH: pathWithTools() } });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 1 : 1)));
}
