/**
 * `daemon.json` (where the control API listens) and `daemon.token` (its credential), read with a
 * schema: garbage is a problem naming the file and the fix, never a stack trace. The daemon owns
 * both files and puts them right by itself (`healDaemonFiles`, every 2 s), so a damaged or replaced
 * file stops CLIs for at most that long.
 */
import { z } from 'zod';
import type { DaemonInfo } from '../daemon/protocol/answers.ts';
import { writeFileAtomic, writeJsonAtomic } from './atomic.ts';
import type { StatePaths } from './paths.ts';
import { NotARegularFileError, readStateFile } from './read-file.ts';
import { readJsonFile } from './schemas.ts';

const pid = z.number().int().min(1);
export const daemonInfoFile = z.looseObject({
  pid,
  port: z.number().int().min(1).max(65535),
  startedAt: z.number(),
  keeperPid: pid.optional(),
});

const TOKEN = /^[0-9a-f]{64}$/;

export type DaemonFiles =
  | { kind: 'missing' }
  | { kind: 'ok'; info: DaemonInfo; token: string }
  | { kind: 'damaged'; file: string; problem: string };

export async function readDaemonFiles(paths: StatePaths): Promise<DaemonFiles> {
  const info = await readJsonFile(paths.daemonInfo, daemonInfoFile);
  if (info.kind === 'missing') return { kind: 'missing' };
  if (info.kind === 'damaged') return { kind: 'damaged', file: paths.daemonInfo, problem: info.problem };
  const read = await readStateFile(paths.daemonToken).catch((err: Error) => err);
  if (read instanceof NotARegularFileError)
    return { kind: 'damaged', file: paths.daemonToken, problem: read.problem };
  const token = read instanceof Error ? undefined : read.toString('utf8').trim();
  if (token === undefined)
    return { kind: 'damaged', file: paths.daemonToken, problem: 'the file is missing' };
  if (!TOKEN.test(token)) {
    return { kind: 'damaged', file: paths.daemonToken, problem: 'not a token (64 hex digits)' };
  }
  return { kind: 'ok', info: info.value as DaemonInfo, token };
}

/**
 * For the running daemon: rewrites `daemon.json` and `daemon.token` when they no longer say what it
 * is (damaged, replaced, deleted). Returns what was put right, for the log.
 */
export async function healDaemonFiles(paths: StatePaths, info: DaemonInfo, token: string): Promise<string[]> {
  const fixed: string[] = [];
  const files = await readDaemonFiles(paths);
  const same =
    files.kind === 'ok' &&
    files.info.pid === info.pid &&
    files.info.port === info.port &&
    files.info.startedAt === info.startedAt &&
    files.info.keeperPid === info.keeperPid;
  if (!same) {
    await writeJsonAtomic(paths.daemonInfo, info);
    fixed.push(paths.daemonInfo);
  }
  const onDisk = (await readStateFile(paths.daemonToken).catch(() => '')).toString().trim();
  if (onDisk !== token) {
    await writeFileAtomic(paths.daemonToken, `${token}\n`, { mode: 0o600 });
    fixed.push(paths.daemonToken);
  }
  return fixed;
}
