/**
 * Crash-safe file writes for the state folder. A reader (or a daemon restarted after `kill -9`)
 * sees either the old content or the new one, never a torn file: write a temp file, fsync it,
 * rename it over the target, then fsync the folder so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncHandle } from './fsync.ts';

export interface WriteOptions {
  /** File mode of the written file; default 0o644 (0o600 for secrets such as the daemon token). */
  mode?: number;
}

export async function writeFileAtomic(
  path: string,
  data: string | Buffer,
  opts: WriteOptions = {},
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', opts.mode ?? 0o644);
  try {
    await fh.writeFile(data);
    await syncHandle(fh);
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

export async function writeJsonAtomic(path: string, value: unknown, opts: WriteOptions = {}): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, opts);
}

/**
 * Appends one line and fsyncs it. `O_APPEND` writes of one small buffer are not interleaved with
 * other appenders, and a crash can at worst leave a truncated last line, which readers skip.
 */
export async function appendLine(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, 'a', 0o644);
  try {
    await fh.write(`${line}\n`);
    await syncHandle(fh);
  } finally {
    await fh.close();
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await syncHandle(fh);
  } finally {
    await fh.close();
  }
}

/** Parses JSON lines, skipping a torn last line left by a crash mid-append. */
export function parseJsonLines<T>(text: string): T[] {
  const out: T[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch (err) {
      if (i === lines.length - 1) continue; // torn tail from a crash
      throw err;
    }
  }
  return out;
}
