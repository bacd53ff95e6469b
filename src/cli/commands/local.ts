/**
 * `slipway local up | down | status | doctor`: the local target's daemon, by hand. Release commands start
 * it on demand; these are for looking at it, starting it early, and stopping it (which stops every
 * app instance gracefully and frees the proxy ports).
 */
import type { Command } from 'commander';
import {
  DaemonClient,
  daemonProcesses,
  ensureDaemon,
  type StatusAnswer,
  stopLocalDaemon,
} from '../../targets/local/index.ts';
import { CliError, type Done, ExitCode } from '../exit.ts';
import { registerDoctor } from './local-doctor.ts';
import { registerInstall } from './local-install.ts';
import { type LocalOptions, print, stateDirOf, withOptions } from './local-options.ts';

export function register(program: Command, done: Done): void {
  const local = program.command('local').description('the local target’s daemon (processes, proxies, state)');

  withOptions(
    local.command('up').description('start the daemon (if not running) and restore routing'),
  ).action(async (opts: LocalOptions) => {
    const dir = stateDirOf(opts);
    try {
      const client = await ensureDaemon(dir);
      print(
        opts,
        { running: true, ...client.info, stateDir: dir },
        `daemon running: pid ${client.info.pid}, control port ${client.info.port}, state ${dir}`,
      );
    } catch (err) {
      throw new CliError((err as Error).message, ExitCode.failed);
    }
  });

  withOptions(local.command('down').description('stop every instance gracefully, then the daemon')).action(
    async (opts: LocalOptions) => {
      const dir = stateDirOf(opts);
      // Finds the daemon even when daemon.json or daemon.token are damaged (pid files, /proc).
      const r = await stopLocalDaemon(dir);
      const why = r.notes.length ? ` (${r.notes.join('; ')}: stopped by signal)` : '';
      const killed = r.killed.length ? `; killed after the grace period: ${r.killed.join(', ')}` : '';
      print(
        opts,
        { ...r, stateDir: dir },
        r.stopped
          ? `daemon stopped (${dir})${why}${killed}`
          : `no daemon running for ${dir}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}`,
      );
    },
  );

  registerInstall(local);

  withOptions(local.command('status').description('the daemon, its proxies, revisions and instances')).action(
    async (opts: LocalOptions) => {
      const dir = stateDirOf(opts);
      const client = await DaemonClient.read(dir);
      if (!client || !(await client.healthy())) {
        const pids = await daemonProcesses(dir);
        if (pids.length) {
          // Running, but its files do not open the API (a running daemon rewrites them within 2 s).
          throw new CliError(
            `the daemon of ${dir} runs (pid ${pids.join(', ')}) but daemon.json or daemon.token does not reach its control API: wait 2 s and retry (the daemon rewrites them), run slipway local doctor --state-dir ${dir}, or stop it with slipway local down --state-dir ${dir}`,
            ExitCode.failed,
          );
        }
        print(
          opts,
          { running: false, stateDir: dir },
          `no daemon running for ${dir} (start it with: slipway local up)`,
        );
        return;
      }
      const status = await client.call('status');
      print(opts, { running: true, ...status }, formatStatus(status));
    },
  );

  registerDoctor(local, done);
}

export function formatStatus(s: StatusAnswer): string {
  const lines = [`daemon pid ${s.pid}, control port ${s.port}, state ${s.stateDir}`];
  if (s.environments.length === 0) lines.push('  no environment is running');
  for (const env of s.environments) {
    const weights =
      Object.entries(env.weights)
        .map(([r, w]) => `#${r} ${w}%`)
        .join(', ') || 'no traffic';
    lines.push(
      `  ${env.name}: proxy ${env.proxyPort ? `127.0.0.1:${env.proxyPort}` : '(not started)'}, ${weights}`,
    );
    if (env.restoreError) lines.push(`    restore failed: ${env.restoreError}`);
    for (const p of env.problems ?? []) lines.push(`    problem: ${p.message}`, `      fix: ${p.fix}`);
    for (const rev of env.revisions) {
      const failed = rev.failed ? `, FAILED: ${rev.failed.split('\n')[0]}` : '';
      lines.push(
        `    release ${rev.release} (${rev.digest.slice(0, 19)}): ${rev.ready}/${rev.desired} ready${failed}`,
      );
      for (const i of rev.instances) {
        const where = i.port ? ` port ${i.port}` : '';
        const pid = i.pid ? ` pid ${i.pid}` : '';
        lines.push(`      [${i.index}] ${i.state}${pid}${where}, ${i.restarts} restarts`);
        if (i.warning) lines.push(`        warning: ${i.warning}`);
      }
    }
  }
  return lines.join('\n');
}
