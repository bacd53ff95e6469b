/**
 * `slipway local doctor [--fix]`: the state folder's check-up (src/targets/local/state/doctor.ts),
 * printed one problem per block with its fix (and, with --fix, what was repaired). Exit 0 when
 * nothing is left to fix, 4 when problems remain (docs/cli.md).
 */
import type { Command } from 'commander';
import { daemonProcesses, doctor, type Finding, StatePaths } from '../../targets/local/index.ts';
import { type Done, ExitCode } from '../exit.ts';
import { type LocalOptions, stateDirOf, withOptions } from './local-options.ts';

export interface DoctorCliOptions extends LocalOptions {
  fix?: boolean;
}

export function registerDoctor(local: Command, done: Done): void {
  withOptions(
    local
      .command('doctor')
      .description(
        'check the state folder (modes, every file, ledger frames, leftovers); --fix repairs what is safe',
      )
      .option(
        '--fix',
        'repair: damaged lines and files into .corrupt sidecars, lost records rebuilt, modes tightened',
      ),
  ).action(async (opts: DoctorCliOptions) => {
    const dir = stateDirOf(opts);
    const running = (await daemonProcesses(dir)).length > 0;
    const findings = await doctor(new StatePaths(dir), { fix: opts.fix === true, daemonRunning: running });
    const left = findings.filter((f) => !f.notice && !f.repaired);
    if (opts.json) {
      for (const f of findings) process.stdout.write(`${JSON.stringify({ type: 'finding', ...f })}\n`);
      process.stdout.write(`${JSON.stringify({ type: 'summary', stateDir: dir, problems: left.length })}\n`);
    } else {
      process.stdout.write(formatFindings(dir, findings, left.length));
    }
    done(left.length ? ExitCode.failed : ExitCode.ok);
  });
}

export function formatFindings(dir: string, findings: Finding[], left: number): string {
  const lines = findings.map((f) => {
    const where = f.line === undefined ? f.file : `${f.file} line ${f.line}`;
    const tail = f.repaired ? `    repaired: ${f.repaired}` : `    fix: ${f.fix}`;
    return `${f.notice ? 'note' : 'problem'}: ${where}: ${f.problem}\n${tail}`;
  });
  const verdict =
    left === 0
      ? `state folder ${dir}: ${findings.some((f) => f.repaired) ? 'repaired; nothing left to fix' : 'healthy'}`
      : `state folder ${dir}: ${left} problem${left > 1 ? 's' : ''} left${findings.some((f) => f.repaired) ? '' : ' (slipway local doctor --fix repairs what is safe)'}`;
  return `${[...lines, verdict].join('\n')}\n`;
}
