/**
 * Runs the CLI in-process through `main([...])` and captures what it writes. The CLI writes to
 * process.stdout/stderr directly, so the capture swaps their `write` for the duration of one call.
 * Only strings are captured: the test runner reports to its parent over stdout in binary chunks,
 * which must pass through untouched.
 */
import { main } from '../../../src/cli/main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const { stdout, stderr } = process;
  const originalOut = stdout.write;
  const originalErr = stderr.write;
  const capture = (sink: string[], original: typeof stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string')
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      sink.push(chunk);
      return true;
    }) as typeof stdout.write;
  stdout.write = capture(out, originalOut, stdout);
  stderr.write = capture(err, originalErr, stderr);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.write = originalOut;
    stderr.write = originalErr;
  }
}
