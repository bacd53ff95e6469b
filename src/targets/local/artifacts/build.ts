/**
 * Runs a shell command of the artifact build: the configured `artifact.local.build` (in the
 * staging copy, never in the user's checkout) or the package manager's install. A failing command
 * is an error carrying its exit code and the tail of its output.
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { SlipwayError } from '../../../core/fault.ts';

export class BuildFailedError extends SlipwayError {
  readonly exitCode: number | null;
  readonly outputTail: string[];
  constructor(
    command: string,
    cwd: string,
    exitCode: number | null,
    signal: string | null,
    tail: string[],
    label = 'build command',
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(
      `${label} \`${command}\` (in ${cwd}) ${how}; last output lines:\n  ${tail.join('\n  ') || '(no output)'}`,
      'failed',
    );
    this.name = 'BuildFailedError';
    this.exitCode = exitCode;
    this.outputTail = tail;
  }
}

export interface BuildOptions {
  command: string;
  cwd: string;
  /** Receives the build output as it comes (e.g. to show it live); default: discarded. */
  onOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Lines of output kept for the error message (default 20). */
  tailLines?: number;
  /** What the command is, in the error message (default `build command`). */
  label?: string;
}

/** Runs `sh -c <command>` with the daemon's Node first on PATH; rejects with BuildFailedError. */
export function runBuild(opts: BuildOptions): Promise<void> {
  const keep = opts.tailLines ?? 20;
  let tail: string[] = [];
  let partial = '';
  return new Promise((resolve, reject) => {
    const env = { ...(opts.env ?? process.env) };
    env.PATH = `${dirname(process.execPath)}:${env.PATH ?? '/usr/bin:/bin'}`;
    const child = spawn('/bin/sh', ['-c', opts.command], {
      cwd: opts.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (buf: Buffer) => {
      const text = buf.toString('utf8');
      opts.onOutput?.(text);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      tail = [...tail, ...lines].slice(-keep);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) =>
      reject(new Error(`cannot run ${opts.label ?? 'build command'} \`${opts.command}\`: ${err.message}`)),
    );
    child.once('close', (code, signal) => {
      if (partial) tail = [...tail, partial].slice(-keep);
      if (code === 0) resolve();
      else reject(new BuildFailedError(opts.command, opts.cwd, code, signal, tail, opts.label));
    });
  });
}
