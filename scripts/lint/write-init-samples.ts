/**
 * `node scripts/lint/write-init-samples.ts <dir>`: creates the two sample projects in <dir>/express
 * and <dir>/fastify and runs `slipway init --force` on each, so scripts/ci/20-supply-chain.sh can
 * run the real linters over what init writes. Prints the two project directories.
 */
import { join } from 'node:path';
import { applyPlan, planInit } from '../../src/init/plan.ts';
import { expressJs, fastifyTs } from './init-samples.ts';

const out = process.argv[2];
if (out === undefined) {
  process.stderr.write('usage: write-init-samples.ts <dir>\n');
  process.exit(2);
}
for (const [name, create] of [
  ['express', expressJs],
  ['fastify', fastifyTs],
] as const) {
  const dir = create(join(out, name));
  applyPlan(dir, planInit(dir), { force: true, dryRun: false });
  process.stdout.write(`${dir}\n`);
}
