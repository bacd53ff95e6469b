/**
 * `secrets/<env>/<release>.json`: the `source: env` secret values a release was started with, so
 * that the daemon can start it again after a restart (restore, adoption) without the deploying
 * shell. Folder 0700, file 0600, written atomically, owned by the daemon like `daemon.token`;
 * removed when the release is retired (unless it is the stable one, which restore needs).
 *
 * The trade-off, documented in docs/local-target.md: the value is at rest on the machine that holds
 * the state folder, under the same permission model as the daemon's token (anyone who can read the
 * state folder as its owner can read it). `source: file` values are not copied: they already live
 * in a file on this machine and are re-read on every start.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from './atomic.ts';
import type { StatePaths } from './paths.ts';
import { readJsonFile } from './schemas.ts';

const storedSecrets = z.record(z.string(), z.string());

export class SecretStore {
  readonly #paths: StatePaths;
  constructor(paths: StatePaths) {
    this.#paths = paths;
  }

  /** Keeps `values` (by the deployer's variable name) for `release`; nothing is written for none. */
  async save(env: string, release: number, values: Record<string, string>): Promise<void> {
    if (Object.keys(values).length === 0) return;
    const file = this.#paths.secretStore(env, release);
    await mkdir(dirname(dirname(file)), { recursive: true, mode: 0o700 });
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    await writeJsonAtomic(file, values, { mode: 0o600 });
  }

  /** What was kept for `release`; {} when nothing was (or the file is damaged: restore says what is missing). */
  async read(env: string, release: number): Promise<Record<string, string>> {
    const read = await readJsonFile(this.#paths.secretStore(env, release), storedSecrets);
    return read.kind === 'ok' ? read.value : {};
  }

  async remove(env: string, release: number): Promise<void> {
    await rm(this.#paths.secretStore(env, release), { force: true });
  }
}
