/**
 * `slipway history --env E`: the environment's ledger as a table, one line per release with its
 * explanation folded onto that line (`slipway why --release N` tells it whole). `--json`: one
 * complete record per line (config and spec included) with the same one-line `explanation`.
 */
import type { Command } from 'commander';
import { formatTable } from '../../app/progress/table.ts';
import type { ReleaseRecord } from '../../engine/index.ts';
import { headline } from '../../explain/story.ts';
import { type CommonOptions, guard, openEnvironment, withCommonOptions } from '../context.ts';

export function historyRow(r: ReleaseRecord): string[] {
  return [
    String(r.release),
    r.digest.replace(/^sha256:/, '').slice(0, 12),
    r.configHash.slice(0, 8),
    r.strategy,
    new Date(r.startedAt).toISOString().replace(/\.\d+Z$/, 'Z'),
    r.finishedAt === undefined ? 'in progress' : (r.outcome ?? '?'),
    headline(r),
  ];
}

export function register(program: Command): void {
  withCommonOptions(
    program.command('history').description('releases of the environment: digest, config, strategy, outcome'),
  ).action(async (options: CommonOptions) => {
    const ctx = await openEnvironment(options);
    const records = await guard(() => ctx.opened.target.ledger().releases());
    if (options.json) {
      for (const r of records)
        process.stdout.write(`${JSON.stringify({ ...r, explanation: headline(r) })}\n`);
      return;
    }
    if (records.length === 0) {
      process.stdout.write(`no releases in ${ctx.environment} yet\n`);
      return;
    }
    const head = ['release', 'digest', 'config', 'strategy', 'started', 'outcome', 'why'];
    process.stdout.write(`${formatTable(head, records.map(historyRow)).join('\n')}\n`);
  });
}
