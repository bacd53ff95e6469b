/**
 * Append-only JSON-line files of the state folder (the ledger, operator commands): each line framed
 * with its checksum (`frame.ts`) and parsed with a schema on read. A damaged line is skipped and
 * reported with its file and line, so one bad byte costs one record, not the whole history. An
 * unterminated last line is what a crash mid-append leaves: readers ignore it and the next append
 * first moves it into the `.corrupt` sidecar and truncates it, so a new record is never glued onto it.
 */
import { open, readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from './atomic.ts';
import { frame, unframe } from './frame.ts';
import { syncHandle } from './fsync.ts';
import type { StateProblem } from './problems.ts';
import { quarantine } from './quarantine.ts';
import { NotARegularFileError, readStateFile } from './read-file.ts';
import { describeZodError } from './schemas.ts';

export interface LogLine<T> {
  /** 1-based line number in the file. */
  line: number;
  value: T;
  framed: boolean;
}

export interface DamagedLine {
  line: number;
  problem: string;
  bytes: Buffer;
}

export interface LogRead<T> {
  lines: LogLine<T>[];
  /** Complete lines that are not intact records (checksum, JSON or schema). */
  damaged: DamagedLine[];
  /** An unterminated last line that is not an intact record: a crash mid-append. */
  torn?: DamagedLine;
  /** Bytes in the file (what a repair checks has not changed since). */
  size: number;
}

/** The fix printed with every damaged line. */
export function doctorFix(stateDir: string): string {
  return `run slipway local doctor --fix --state-dir ${stateDir}: it moves the damaged line into a .corrupt file beside it (its bytes kept) and keeps every other record`;
}

export async function readLog<T>(path: string, schema: z.ZodType<T>): Promise<LogRead<T>> {
  let buf: Buffer;
  try {
    buf = await readStateFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], damaged: [], size: 0 };
    if (err instanceof NotARegularFileError)
      throw new Error(`${err.message}: remove it (rm ${path}), then run slipway local doctor --fix`);
    throw err;
  }
  return parseLog(buf, schema);
}

export function parseLog<T>(buf: Buffer, schema: z.ZodType<T>): LogRead<T> {
  const out: LogRead<T> = { lines: [], damaged: [], size: buf.length };
  for (const { line, bytes, terminated } of splitLines(buf)) {
    const text = bytes.toString('utf8');
    if (text.trim() === '') continue;
    const parsed = parseLine(text, schema);
    if (parsed.ok) out.lines.push({ line, value: parsed.value, framed: parsed.framed });
    else if (!terminated) out.torn = { line, problem: parsed.problem, bytes: Buffer.from(bytes) };
    else out.damaged.push({ line, problem: parsed.problem, bytes: Buffer.from(bytes) });
  }
  return out;
}

/** The lines of a file's bytes (without newlines), numbered from 1; the last may be unterminated. */
function* splitLines(buf: Buffer): Generator<{ line: number; bytes: Buffer; terminated: boolean }> {
  let start = 0;
  for (let line = 1; start < buf.length; line++) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl === -1 ? buf.length : nl;
    yield { line, bytes: buf.subarray(start, end), terminated: nl !== -1 };
    start = end + 1;
  }
}

function parseLine<T>(
  text: string,
  schema: z.ZodType<T>,
): { ok: true; value: T; framed: boolean } | { ok: false; problem: string } {
  const unframed = unframe(text);
  if (!unframed.ok) return unframed;
  let json: unknown;
  try {
    json = JSON.parse(unframed.payload);
  } catch (err) {
    return { ok: false, problem: `not valid JSON (${(err as Error).message})` };
  }
  const result = schema.safeParse(json);
  if (!result.success) return { ok: false, problem: describeZodError(result.error) };
  return { ok: true, value: result.data, framed: unframed.framed };
}

/** Problems for the damaged lines of one read, each naming the file, the line and the fix. */
export function problemsOf(file: string, read: LogRead<unknown>, stateDir: string): StateProblem[] {
  return read.damaged.map((d) => ({
    file,
    line: d.line,
    message: `${file} line ${d.line} is damaged: ${d.problem}; that record is skipped`,
    fix: doctorFix(stateDir),
  }));
}

/** One writer per file in this process: a torn-tail check and its append must not interleave. */
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(path) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.catch(() => undefined);
  queues.set(path, settled);
  void settled.then(() => {
    if (queues.get(path) === settled) queues.delete(path);
  });
  return next;
}

/**
 * Appends one record (framed) and fsyncs it. An unterminated last line is dealt with first: an
 * intact one only lacks its newline; a torn one goes to the sidecar and is cut off.
 */
export function appendRecord(path: string, value: unknown, now: () => number = Date.now): Promise<void> {
  return serialized(path, async () => {
    const fh = await open(path, 'a+', 0o600);
    try {
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0) {
        const tail = await unterminatedTail(fh, size);
        if (tail && parseLine(tail.bytes.toString('utf8'), anything).ok) prefix = '\n';
        else if (tail) {
          await quarantine(
            path,
            [{ problem: 'torn last line (a crash mid-append)', bytes: tail.bytes }],
            now(),
          );
          await fh.truncate(tail.offset);
        }
      }
      await fh.write(`${prefix}${frame(JSON.stringify(value))}\n`);
      await syncHandle(fh);
    } finally {
      await fh.close();
    }
  });
}

const anything = { safeParse: (v: unknown) => ({ success: true, data: v }) } as unknown as z.ZodType<unknown>;

/** The bytes after the last newline (and where they start), or undefined when the file ends with one. */
async function unterminatedTail(
  fh: Awaited<ReturnType<typeof open>>,
  size: number,
): Promise<{ offset: number; bytes: Buffer } | undefined> {
  const last = Buffer.alloc(1);
  await fh.read(last, 0, 1, size - 1);
  if (last[0] === 0x0a) return undefined;
  const chunks: Buffer[] = [];
  let pos = size;
  while (pos > 0) {
    const len = Math.min(64 * 1024, pos);
    pos -= len;
    const chunk = Buffer.alloc(len);
    await fh.read(chunk, 0, len, pos);
    const nl = chunk.lastIndexOf(0x0a);
    if (nl !== -1) {
      chunks.unshift(chunk.subarray(nl + 1));
      return { offset: pos + nl + 1, bytes: Buffer.concat(chunks) };
    }
    chunks.unshift(chunk);
  }
  return { offset: 0, bytes: Buffer.concat(chunks) };
}

/**
 * Rewrites a log without its damaged lines (and torn tail), after copying them into the sidecar.
 * Refuses when the file changed since it was read (a writer appended meanwhile).
 */
export function removeDamaged(
  path: string,
  read: LogRead<unknown>,
  now: () => number = Date.now,
): Promise<number> {
  return serialized(path, async () => {
    const pieces = [...read.damaged, ...(read.torn ? [read.torn] : [])];
    if (pieces.length === 0) return 0;
    const buf = await readFile(path);
    if (buf.length !== read.size) {
      throw new Error(`${path} changed while it was being checked; run the repair again`);
    }
    const drop = new Set(pieces.map((p) => p.line));
    // An intact last line that only lacks its newline is kept, and gets one.
    const kept = [...splitLines(buf)]
      .filter((l) => !drop.has(l.line))
      .flatMap((l) => [l.bytes, Buffer.from('\n')]);
    await quarantine(path, pieces, now());
    await writeFileAtomic(path, Buffer.concat(kept), { mode: 0o600 });
    return pieces.length;
  });
}
