import { open } from 'node:fs/promises';

/** The last `lines` lines of a log file (reads at most the last 64 KiB). */
export async function tailFile(path: string, lines = 10): Promise<string[]> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch {
    return [];
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, 64 * 1024);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines);
  } finally {
    await fh.close();
  }
}
