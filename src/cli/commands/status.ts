/**
 * `slipway status --env E`: what serves users now — the serving release, traffic weights, each
 * revision's instances (ready/desired), the operation in flight, and per revision the request rate,
 * error rate and latency measured over about a second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { formatStats, formatWeights } from '../../app/progress/format.ts';
import { servingRevision } from '../../engine/index.ts';
import { journalOf } from '../../engine/journal-decisions.ts';
import { headline } from '../../explain/story.ts';
import { type WindowStats, windowStats } from '../../targets/samples.ts';
import { type CommonOptions, guard, openEnvironment, withCommonOptions } from '../context.ts';

const WINDOW_MS = 1000;

export function register(program: Command): void {
  withCommonOptions(
    program.command('status').description('serving release, weights, revisions and live traffic numbers'),
  ).action(async (options: CommonOptions) => {
    const ctx = await openEnvironment(options);
    const { target } = ctx.opened;
    const [records, observed, view] = await guard(() =>
      Promise.all([target.ledger().releases(), target.observe(), ctx.opened.view()]),
    );
    const before = await ctx.opened.sample().catch(() => undefined);
    const t0 = Date.now();
    await sleep(WINDOW_MS);
    const after = await ctx.opened.sample().catch(() => undefined);
    const stats: Record<string, WindowStats> = {};
    if (after) {
      for (const [rev, s] of Object.entries(after))
        stats[rev] = windowStats(before?.[rev], s, Date.now() - t0);
    }
    const serving = servingRevision(observed, records);
    const inFlight = records.find((r) => r.finishedAt === undefined);
    const last = records.at(-1);
    // The same one-line explanation as `history`, the dashboard and notifications (`slipway why` tells it whole).
    const lastEvents = last ? await guard(() => target.ledger().events(last.release)) : [];
    const why = last ? headline(last, journalOf(lastEvents)) : undefined;
    const body = {
      environment: ctx.environment,
      target: ctx.opened.kind,
      endpoint: view.endpoint,
      serving: serving ?? null,
      weights: observed.weights,
      operation: inFlight
        ? {
            release: inFlight.release,
            strategy: inFlight.strategy,
            startedAt: new Date(inFlight.startedAt).toISOString(),
            why,
          }
        : null,
      lastRelease: last ? { release: last.release, outcome: last.outcome ?? 'in progress', why } : null,
      revisions: view.revisions.map((r) => ({
        release: r.release,
        weight: observed.weights[String(r.release)] ?? 0,
        ready: r.ready,
        desired: r.desired,
        ...(r.failed ? { failed: r.failed } : {}),
        instances: r.instances,
        stats: stats[String(r.release)] ?? { requestsPerSec: 0 },
      })),
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(body)}\n`);
      return;
    }
    const lines = [
      `${ctx.environment} (${ctx.opened.kind}) at ${view.endpoint ?? '?'}`,
      `  serving: ${serving === undefined ? 'nothing' : `release ${serving}`}; traffic: ${formatWeights(observed.weights)}`,
      `  operation in flight: ${inFlight ? `release ${inFlight.release} (${inFlight.strategy}, since ${new Date(inFlight.startedAt).toISOString()}): ${why}` : 'none'}`,
    ];
    if (last && !inFlight) lines.push(`  last release: ${last.release} ${last.outcome}: ${why}`);
    for (const r of body.revisions) {
      const health = r.failed ? `FAILED: ${r.failed}` : `${r.ready}/${r.desired} ready`;
      lines.push(`  #${r.release} ${String(r.weight).padStart(3)}%  ${health}  ${formatStats(r.stats)}`);
      for (const i of r.instances) {
        lines.push(
          `      instance ${i.index}: ${i.state}${i.pid ? ` pid ${i.pid}` : ''}${i.port ? ` port ${i.port}` : ''}${i.restarts ? `, ${i.restarts} restarts` : ''}${i.lastExit ? ` (last exit: ${i.lastExit})` : ''}`,
        );
        if (i.warning) lines.push(`        warning: ${i.warning}`);
      }
    }
    if (body.revisions.length === 0) lines.push('  no revisions running');
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
