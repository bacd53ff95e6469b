/**
 * The state folder is trusted: `daemon.json` tells the CLI which port the control API is on and
 * `daemon.token` is its credential. A folder other users can write lets one of them replace
 * `daemon.json` and point the CLI (with its token) at a fake API, so such a folder is refused with
 * the fix, and a new one is created 0700.
 */
import { mkdirSync, statSync } from 'node:fs';
import { SlipwayError } from '../../../core/fault.ts';

export class StateFolderError extends SlipwayError {
  readonly folder: string;
  constructor(folder: string, message: string) {
    super(message, 'invalid-input');
    this.name = 'StateFolderError';
    this.folder = folder;
  }
}

/** Creates the folder 0700 when missing; refuses one that is not ours alone. Returns the folder. */
export function ensurePrivateFolder(folder: string): string {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new StateFolderError(
      folder,
      `cannot create the state folder ${folder}: ${(err as Error).message}; create it with mkdir -m 700 ${folder}, or pass another --state-dir`,
    );
  }
  checkPrivateFolder(folder);
  return folder;
}

/** Throws `StateFolderError` when others may write the folder, or another user owns it. */
export function checkPrivateFolder(folder: string): void {
  const st = statSync(folder);
  if (!st.isDirectory()) {
    throw new StateFolderError(
      folder,
      `the state folder ${folder} is not a folder: remove it or pass another --state-dir`,
    );
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw new StateFolderError(
      folder,
      `the state folder ${folder} belongs to uid ${st.uid}, not to you (uid ${uid}): another user could change what slipway trusts there; use your own folder (--state-dir) or chown it`,
    );
  }
  if (st.mode & 0o022) {
    const mode = (st.mode & 0o777).toString(8).padStart(3, '0');
    throw new StateFolderError(
      folder,
      `the state folder ${folder} is writable by other users (mode ${mode}): one of them could replace daemon.json and point slipway at a fake control API; fix: chmod 700 ${folder}`,
    );
  }
}
