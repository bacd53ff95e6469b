/**
 * fsync of an open file handle through `fs.fsync(fd)` instead of `FileHandle.sync()`. Under Yarn
 * Plug'n'Play, `yarn slipway …` runs with `.pnp.cjs` required (NODE_OPTIONS, inherited by the
 * keeper and the daemon), which replaces `fs/promises` with handles whose `sync()` and `datasync()`
 * throw "Method not implemented". Their `fd` is still the real descriptor for a file outside a zip
 * archive (the state folder always is), and `fs.fsync` is not patched, so this works under both.
 */
import { fsync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export function syncHandle(fh: FileHandle): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fh.fd, (err) => (err ? reject(err) : resolve()));
  });
}
