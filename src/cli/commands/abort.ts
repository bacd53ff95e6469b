/**
 * `slipway abort --env E`: rolls the release in progress back. The command is written to the
 * ledger, where the running deploy picks it up at once; if no deploy is running (it crashed),
 * this process takes the lock and carries the rollback out itself.
 */
import type { Command } from 'commander';
import { ProgressRenderer, progressMode } from '../../app/progress/renderer.ts';
import type { OperatorCommand } from '../../core/types.ts';
import { runCommand } from '../../engine/index.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  engineDeps,
  exitCodeFor,
  guard,
  openEnvironment,
  withCommonOptions,
} from '../context.ts';
import { type Done, ExitCode } from '../exit.ts';

export interface OperatorRun {
  /** When no deploy is running, take the lock and continue the release so the command takes effect. */
  carryOut: boolean;
}

/** Sends `command` to the release in progress (the engine's `runCommand`), renders; returns the exit code. */
export async function operate(
  ctx: EnvironmentContext,
  command: OperatorCommand,
  options: CommonOptions,
  run: OperatorRun,
): Promise<number> {
  const say = (message: string, extra: Record<string, unknown>) => {
    if (options.json) {
      process.stdout.write(
        `${JSON.stringify({ type: 'command', command: command.kind, environment: ctx.environment, message, ...extra })}\n`,
      );
    } else process.stdout.write(`${message}\n`);
  };
  const renderer = run.carryOut
    ? new ProgressRenderer({
        mode: progressMode(options.json, process.stdout.isTTY),
        environment: ctx.environment,
        sample: () => ctx.opened.sample(),
      })
    : undefined;
  try {
    const result = await guard(() =>
      runCommand(engineDeps(ctx, renderer), ctx.environment, command, {
        carryOut: run.carryOut,
        onSent: (release) => {
          if (renderer) renderer.release = release;
        },
      }),
    );
    if (result.kind === 'carried-out') {
      renderer?.finish(result.outcome);
      return exitCodeFor(result.outcome);
    }
    const sent = `${command.kind} sent to release ${result.release} in ${ctx.environment}`;
    if (result.holder === undefined) say(sent, { release: result.release });
    else
      say(`${sent}; the running operation (${result.holder}) acts on it`, {
        release: result.release,
        holder: result.holder,
      });
    return ExitCode.ok;
  } finally {
    renderer?.stop();
  }
}

export function register(program: Command, done: Done): void {
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
    done(await operate(ctx, command, options, { carryOut: true }));
  });
}
