/**
 * `slipway abort --env E`: rolls the release in progress back. The command is written to the
 * ledger, where the running deploy picks it up at once; if no deploy is running (it crashed),
 * this process takes the lock and carries the rollback out itself.
 */
import type { Command } from 'commander';
import type { OperatorCommand } from '../../core/types.ts';
import { LockHeldError, NothingToResumeError, resume, sendCommand } from '../../engine/index.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  engineDeps,
  exitCodeFor,
  guard,
  openEnvironment,
  withCommonOptions,
} from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';
import { ProgressRenderer, progressMode } from '../progress/renderer.ts';

export interface OperatorRun {
  /** When no deploy is running, take the lock and continue the release so the command takes effect. */
  carryOut: boolean;
}

/** Sends `command` to the release in progress; returns the exit code. */
export async function operate(
  ctx: EnvironmentContext,
  command: OperatorCommand,
  options: CommonOptions,
  run: OperatorRun,
): Promise<number> {
  const release = await guard(async () => {
    try {
      return await sendCommand(ctx.opened.target, ctx.environment, command);
    } catch (err) {
      if (!(err instanceof NothingToResumeError)) throw err;
      throw new CliError(
        `no release is in progress in ${ctx.environment}: nothing to ${command.kind} (see \`slipway status\`)`,
        ExitCode.invalidInput,
      );
    }
  });
  const say = (message: string, extra: Record<string, unknown> = {}) => {
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ type: 'command', command: command.kind, environment: ctx.environment, release, message, ...extra })}\n`,
      );
    } else process.stdout.write(`${message}\n`);
  };
  if (!run.carryOut) {
    say(`${command.kind} sent to release ${release} in ${ctx.environment}`);
    return ExitCode.ok;
  }
  const renderer = new ProgressRenderer({
    mode: progressMode(options.json, process.stdout.isTTY),
    environment: ctx.environment,
    sample: () => ctx.opened.sample(),
  });
  renderer.release = release;
  try {
    const outcome = await guard(async () => {
      try {
        return await resume(engineDeps(ctx, renderer), ctx.environment);
      } catch (err) {
        if (err instanceof LockHeldError) return err;
        throw err;
      }
    });
    if (outcome instanceof LockHeldError) {
      say(
        `${command.kind} sent to release ${release} in ${ctx.environment}; the running operation (${outcome.holder}) acts on it`,
        { holder: outcome.holder },
      );
      return ExitCode.ok;
    }
    renderer.finish(outcome);
    return exitCodeFor(outcome);
  } finally {
    renderer.stop();
  }
}

export function register(program: Command): void {
  withCommonOptions(
    program
      .command('abort')
      .description('roll the release in progress back to stable')
      .option('--reason <text>', 'why, recorded in the ledger'),
  ).action(async (options: CommonOptions & { reason?: string }) => {
    const ctx = await openEnvironment(options);
    const command: OperatorCommand = {
      kind: 'abort',
      at: Date.now(),
      ...(options.reason ? { reason: options.reason } : {}),
    };
    process.exitCode = await operate(ctx, command, options, { carryOut: true });
  });
}
