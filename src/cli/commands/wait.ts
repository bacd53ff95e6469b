/**
 * `slipway wait --env E [--for promoted|paused|done] --timeout T [--release N | --after N]`: one
 * clean answer for CI, as an exit code (docs/cli.md): 0 the goal was reached, 1 rolled back or
 * aborted, 4 failed, 5 waiting for a person, 6 timed out. Reads the ledger only; no lock taken.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../config/duration.ts';
import { systemClock } from '../../engine/index.ts';
import { type WaitAnswer, type WaitGoal, waitForRelease } from '../../engine/wait.ts';
import { foldReasons } from '../../explain/fold.ts';
import {
  type CommonOptions,
  exitCodeFor,
  guard,
  openEnvironment,
  wholeNumber,
  withCommonOptions,
} from '../context.ts';
import { CliError, type Done, ExitCode } from '../exit.ts';

interface WaitOptions extends CommonOptions {
  for: string;
  timeout: string;
  release?: number;
  after?: number;
}

const GOALS: readonly WaitGoal[] = ['promoted', 'paused', 'done'];

/** The exit code of an answer for a goal (the table in docs/cli.md). */
export function waitExitCode(answer: WaitAnswer, goal: WaitGoal): number {
  if (answer.kind === 'paused') return goal === 'paused' ? ExitCode.ok : ExitCode.awaitingPerson;
  if (answer.kind === 'timeout') return ExitCode.timedOut;
  return exitCodeFor(answer);
}

export function register(program: Command, done: Done): void {
  withCommonOptions(
    program
      .command('wait')
      .description(
        'wait for a release to be promoted, to pause for approval, or to finish; answer by exit code',
      )
      .option('--for <goal>', 'promoted | paused | done', 'promoted')
      .requiredOption('--timeout <duration>', 'longest wait, e.g. 90s, 30m, 1h')
      .option(
        '--release <n>',
        'this release (default: the one in flight, else the latest)',
        wholeNumber('--release', 1),
      )
      .option(
        '--after <n>',
        'the first release numbered above N (CI: the latest before it deployed)',
        wholeNumber('--after', 0),
      ),
  ).action(async (options: WaitOptions) => {
    const goal = options.for as WaitGoal;
    if (!GOALS.includes(goal)) {
      throw new CliError(
        `--for must be one of ${GOALS.join(', ')}, got ${JSON.stringify(options.for)}`,
        ExitCode.invalidInput,
      );
    }
    const timeoutMs = parseDuration(options.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw new CliError(
        `--timeout must be a duration such as 90s, 30m or 1h30m, got ${JSON.stringify(options.timeout)}`,
        ExitCode.invalidInput,
      );
    }
    if (options.release !== undefined && options.after !== undefined) {
      throw new CliError(
        '--release and --after name the release two ways: give one of them',
        ExitCode.invalidInput,
      );
    }
    const ctx = await openEnvironment(options);
    const input = {
      environment: ctx.environment,
      for: goal,
      timeoutMs,
      ...(options.release !== undefined ? { release: options.release } : {}),
      ...(options.after !== undefined ? { after: options.after } : {}),
    };
    const stop = new AbortController();
    const onSignal = () => stop.abort(new CliError('interrupted', ExitCode.timedOut));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const answer = await guard(() =>
        waitForRelease({ target: ctx.opened.target, clock: systemClock, signal: stop.signal }, input),
      );
      const code = waitExitCode(answer, goal);
      const headline = foldReasons(answer.reasons);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify({ type: 'wait', for: goal, ...answer, headline, exitCode: code })}\n`,
        );
      } else {
        const which =
          answer.release === undefined ? ctx.environment : `release ${answer.release} of ${ctx.environment}`;
        const what =
          answer.kind === 'paused' ? 'waiting for a person (slipway promote / resume)' : answer.kind;
        process.stdout.write(`${which}: ${what}${headline ? `: ${headline}` : ''}\n`);
      }
      done(code);
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  });
}
