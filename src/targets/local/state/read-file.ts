/**
 * Reading a state file without trusting what sits at its path. A FIFO in place of `daemon.json`
 * made `readFile` block forever — in the CLI, and in the daemon's own 2 s self-check, where every
 * attempt pinned one of libuv's four threads until the daemon answered nothing at all. Opening
 * with O_NONBLOCK returns at once for a FIFO, and anything but a regular file is refused by fstat.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** The path holds something other than a regular file (a FIFO, a folder, a device, a socket). */
export class NotARegularFileError extends Error {
  readonly problem: string;
  constructor(path: string, what: string) {
    super(`${path} is ${what}, not a regular file`);
    this.name = 'NotARegularFileError';
    this.problem = `${what}, not a regular file`;
  }
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isDirectory()) return 'a folder';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}

/** The file's bytes; ENOENT as for `readFile`; `NotARegularFileError` for anything else at the path. */
export async function readStateFile(path: string): Promise<Buffer> {
  const fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new NotARegularFileError(path, kindOf(st));
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

/** The bytes to keep in a `.corrupt` sidecar: none for what is not a regular file. */
export async function sidecarBytes(path: string): Promise<Buffer> {
  return readStateFile(path).catch(() => Buffer.alloc(0));
}
