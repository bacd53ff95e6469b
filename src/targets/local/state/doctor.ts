/**
 * `slipway local doctor [--fix]`: checks every file of a state folder — the folder's mode, each
 * file's parse, the ledger's frames and its cross-check against progress memos and runtime files,
 * leftovers — and explains each problem with its fix. With `fix`, repairs what is safe: damaged
 * lines and torn tails move into `.corrupt` sidecars (bytes kept) and the rest stays; damaged JSON
 * files move there too (runtime files are rebuilt from the ledger record instead); lost ledger
 * records are rebuilt from the files that name them; modes are tightened; temp files of
 * interrupted writes are removed. Nothing is deleted without its bytes going to a sidecar first.
 */
import { chmod, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ReleaseRecord } from '../../../engine/target.ts';
import { isAlive } from '../keeper/pid-file.ts';
import { writeJsonAtomic } from './atomic.ts';
import { readDaemonFiles } from './daemon-files.ts';
import { FileLedger } from './ledger.ts';
import { appendRecord, type LogRead, readLog, removeDamaged } from './log-file.ts';
import type { StatePaths } from './paths.ts';
import { checkPrivateFolder, StateFolderError } from './permissions.ts';
import { quarantine, sidecarOf } from './quarantine.ts';
import { sidecarBytes } from './read-file.ts';
import { rebuildRuntime } from './runtime-file.ts';
import {
  commandLine,
  type JsonRead,
  leaseFile,
  ledgerLine,
  progressFile,
  readJsonFile,
  runtimeFile,
} from './schemas.ts';

export interface Finding {
  /** Path relative to the state folder. */
  file: string;
  line?: number;
  problem: string;
  fix: string;
  /** What `--fix` did about it; absent when it was not (or could not be) repaired. */
  repaired?: string;
  /** Informational: nothing is wrong, but you may want to know (quarantined bytes waiting). */
  notice?: boolean;
}

export interface DoctorOptions {
  fix: boolean;
  /** Whether a daemon process of the folder runs (its own files are then its to rewrite). */
  daemonRunning: boolean;
  now?: () => number;
}

const ENV_FILE = /^(ledger|commands)\.([a-z0-9][a-z0-9-]{0,62})\.jsonl$/;

export async function doctor(paths: StatePaths, opts: DoctorOptions): Promise<Finding[]> {
  const now = opts.now ?? Date.now;
  const out: Finding[] = [];
  const rel = (f: string) => relative(paths.root, f) || '.';
  try {
    checkPrivateFolder(paths.root);
  } catch (err) {
    if (!(err instanceof StateFolderError)) throw err;
    out.push({ file: '.', problem: err.message, fix: `chmod 700 ${paths.root}` });
  }
  const names = await readdir(paths.root).catch(() => [] as string[]);
  const envs = [...new Set(names.map((n) => ENV_FILE.exec(n)?.[2]).filter((e): e is string => !!e))];

  // daemon.json / daemon.token: a running daemon rewrites its own within 2 s.
  const daemonFiles = await readDaemonFiles(paths);
  if (daemonFiles.kind === 'damaged') {
    const f: Finding = {
      file: rel(daemonFiles.file),
      problem: daemonFiles.problem,
      fix: opts.daemonRunning
        ? 'none needed: the running daemon rewrites it within 2 s (or stop it: slipway local down)'
        : 'remove it: no daemon runs, and the next one writes a new one',
    };
    if (opts.fix && !opts.daemonRunning) {
      await quarantine(
        daemonFiles.file,
        [{ problem: daemonFiles.problem, bytes: await sidecarBytes(daemonFiles.file) }],
        now(),
      );
      await rm(daemonFiles.file, { force: true });
      f.repaired = `moved into ${rel(sidecarOf(daemonFiles.file))}`;
    }
    out.push(f);
  }
  for (const [file, want] of [[paths.daemonToken, 0o600]] as const) {
    const st = await stat(file).catch(() => undefined);
    if (st && (st.mode & 0o077) !== 0) {
      const f: Finding = {
        file: rel(file),
        problem: `mode ${(st.mode & 0o777).toString(8)}: other users can read the control API's token`,
        fix: `chmod 600 ${file}`,
      };
      if (opts.fix) {
        await chmod(file, want);
        f.repaired = 'mode set to 600';
      }
      out.push(f);
    }
  }

  for (const env of envs) {
    out.push(...(await checkLedger(paths, env, opts, now, rel)));
    out.push(...(await checkLog(paths.commands(env), commandLine, opts, now, rel)));
    const lock = await readJsonFile(paths.lock(env), leaseFile);
    if (lock.kind === 'damaged') {
      out.push(
        await quarantineJson(paths.lock(env), lock, opts, now, rel, {
          fix: 'remove it when no slipway command runs for this environment (nobody can take a damaged lock)',
        }),
      );
    }
    for (const f of await readdir(join(paths.root, 'progress')).catch(() => [] as string[])) {
      if (!f.startsWith(`${env}.`) || !f.endsWith('.json')) continue;
      const file = join(paths.root, 'progress', f);
      const read = await readJsonFile(file, progressFile);
      if (read.kind === 'damaged') {
        out.push(
          await quarantineJson(file, read, opts, now, rel, {
            fix: 'remove it: the release resumes from its ledger record instead',
          }),
        );
      }
    }
    out.push(...(await checkRuntimes(paths, env, opts, now, rel)));
  }
  out.push(...(await leftovers(paths, names, opts, rel)));
  return out;
}

async function checkLog(
  file: string,
  schema: Parameters<typeof readLog>[1],
  opts: DoctorOptions,
  now: () => number,
  rel: (f: string) => string,
): Promise<Finding[]> {
  const read = (await readLog(file, schema)) as LogRead<unknown>;
  const pieces = [
    ...read.damaged,
    ...(read.torn ? [{ ...read.torn, problem: `torn last line (${read.torn.problem})` }] : []),
  ];
  const findings: Finding[] = pieces.map((d) => ({
    file: rel(file),
    line: d.line,
    problem: d.problem,
    fix: `slipway local doctor --fix: moves line ${d.line} into ${rel(sidecarOf(file))}, keeps every other line`,
  }));
  if (opts.fix && pieces.length) {
    await removeDamaged(file, read, now);
    for (const f of findings) f.repaired = `moved into ${rel(sidecarOf(file))}`;
  }
  return findings;
}

async function checkLedger(
  paths: StatePaths,
  env: string,
  opts: DoctorOptions,
  now: () => number,
  rel: (f: string) => string,
): Promise<Finding[]> {
  const ledger = new FileLedger(paths, env);
  const findings = await checkLog(ledger.file, ledgerLine, opts, now, rel);
  const scan = await ledger.scan();
  if (scan.lost.length) {
    const f: Finding = {
      file: rel(ledger.file),
      problem: `no record of release${scan.lost.length > 1 ? 's' : ''} ${scan.lost.join(', ')}, although ${scan.lost.flatMap((n) => scan.elsewhere.get(n) ?? []).join(', ')} name ${scan.lost.length > 1 ? 'them' : 'it'}: the ledger was emptied, truncated or lost those lines`,
      fix: 'restore the ledger from a backup, or slipway local doctor --fix: rebuilds each lost record from those files (digest, strategy, spec; outcome unknown, recorded as failed so nothing resumes it)',
    };
    if (opts.fix) {
      for (const n of scan.lost) await rebuildRecord(paths, env, n, scan.elsewhere.get(n) ?? [], now);
      f.repaired = `rebuilt ${scan.lost.length} record${scan.lost.length > 1 ? 's' : ''}`;
    }
    findings.push(f);
  }
  return findings;
}

/** A begin + finish pair for a release the ledger lost, from its progress memo and runtime file. */
async function rebuildRecord(
  paths: StatePaths,
  env: string,
  release: number,
  files: string[],
  now: () => number,
): Promise<void> {
  const progress = await readJsonFile(paths.progress(env, release), progressFile);
  const runtime = await readJsonFile(paths.runtime(env, release), runtimeFile);
  const spec =
    (progress.kind === 'ok'
      ? (progress.value.progress as { spec?: Record<string, unknown> })?.spec
      : undefined) ?? {};
  const artifact = spec.artifact as { digest?: string } | undefined;
  const strategy = spec.strategy as { kind?: string } | undefined;
  const started = await stat(paths.progress(env, release)).catch(() => stat(paths.runtime(env, release)));
  const reason = `rebuilt by slipway local doctor --fix from ${files.join(', ')}: the ledger had lost this record; its outcome is unknown`;
  const record: ReleaseRecord = {
    release,
    environment: env,
    service: typeof spec.service === 'string' && spec.service ? spec.service : 'unknown',
    digest:
      (runtime.kind === 'ok' ? runtime.value.runtime.digest : undefined) ?? artifact?.digest ?? 'unknown',
    configHash: typeof spec.configHash === 'string' ? spec.configHash : '',
    config: null,
    strategy: strategy?.kind ?? 'unknown',
    startedAt: Math.round(started.mtimeMs),
    reasons: [reason],
  };
  await appendRecord(paths.ledger(env), { type: 'begin', record });
  await appendRecord(paths.ledger(env), {
    type: 'finish',
    release,
    outcome: 'failed',
    reasons: [reason],
    at: now(),
  });
}

async function checkRuntimes(
  paths: StatePaths,
  env: string,
  opts: DoctorOptions,
  now: () => number,
  rel: (f: string) => string,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const dir = join(paths.root, 'runtime', env);
  let records: ReleaseRecord[] | undefined;
  for (const f of await readdir(dir).catch(() => [] as string[])) {
    const m = /^(\d+)\.json$/.exec(f);
    if (!m) continue;
    const file = join(dir, f);
    const read = await readJsonFile(file, runtimeFile);
    if (read.kind !== 'damaged') continue;
    records ??= (await new FileLedger(paths, env).scan()).records;
    const record = records.find((r) => r.release === Number(m[1]));
    const finding: Finding = {
      file: rel(file),
      problem: read.problem,
      fix: record
        ? 'slipway local doctor --fix: rebuilds it from the ledger record (the daemon also does when it restores)'
        : 'remove it: its release has no ledger record to rebuild it from',
    };
    if (opts.fix) {
      await quarantine(file, [{ problem: read.problem, bytes: await readFile(file) }], now());
      const rebuilt = record ? safeRebuild(paths, env, record) : undefined;
      if (rebuilt) await writeJsonAtomic(file, rebuilt, { mode: 0o600 });
      else await rm(file, { force: true });
      finding.repaired = `${rebuilt ? 'rebuilt from the ledger record' : 'removed'}; old bytes in ${rel(sidecarOf(file))}`;
    }
    out.push(finding);
  }
  return out;
}

function safeRebuild(paths: StatePaths, env: string, record: ReleaseRecord) {
  try {
    return rebuildRuntime(paths, env, record);
  } catch {
    return undefined;
  }
}

async function quarantineJson(
  file: string,
  read: Extract<JsonRead<unknown>, { kind: 'damaged' }>,
  opts: DoctorOptions,
  now: () => number,
  rel: (f: string) => string,
  { fix }: { fix: string },
): Promise<Finding> {
  const f: Finding = { file: rel(file), problem: read.problem, fix: `slipway local doctor --fix (${fix})` };
  if (opts.fix) {
    await quarantine(file, [{ problem: read.problem, bytes: await readFile(file) }], now());
    await rm(file, { force: true });
    f.repaired = `moved into ${rel(sidecarOf(file))}`;
  }
  return f;
}

/** Temp files of interrupted atomic writes (removed by --fix) and sidecars waiting to be read. */
async function leftovers(
  paths: StatePaths,
  names: string[],
  opts: DoctorOptions,
  rel: (f: string) => string,
): Promise<Finding[]> {
  const out: Finding[] = [];
  const dirs = [paths.root, join(paths.root, 'progress')];
  for (const dir of dirs) {
    const entries = dir === paths.root ? names : await readdir(dir).catch(() => [] as string[]);
    for (const name of entries) {
      const file = join(dir, name);
      const tmp = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/.exec(name);
      const pid = tmp ? Number(name.split('.').at(-3)) : undefined;
      if (tmp && pid !== undefined && !isAlive(pid)) {
        const f: Finding = {
          file: rel(file),
          problem: 'temp file of a write interrupted by a crash',
          fix: 'remove it',
        };
        if (opts.fix) {
          await rm(file, { force: true });
          f.repaired = 'removed';
        }
        out.push(f);
      }
      if (name.endsWith('.corrupt')) {
        const pieces = (await readFile(file, 'utf8')).split('\n').filter(Boolean).length;
        out.push({
          file: rel(file),
          problem: `${pieces} quarantined piece${pieces > 1 ? 's' : ''} (bytes kept as base64)`,
          fix: 'read it, recover what you need, then delete it',
          notice: true,
        });
      }
    }
  }
  return out;
}
