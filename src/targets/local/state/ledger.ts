/**
 * The per-environment ledger as append-only, checksummed JSON lines (`ledger.<env>.jsonl`, framing
 * in `frame.ts`). Every change is a new line; `releases()` folds the lines into records. A damaged
 * line is skipped and reported (`problems()`), so the rest of history stays readable and the
 * environment keeps its last good state. Progress memos are small files replaced atomically;
 * operator commands are their own append-only file so a second CLI can send them. Only the daemon
 * writes these files (it serializes writers); clients go through its API.
 *
 * The ledger is cross-checked against the files every release leaves behind (its progress memo,
 * its runtime settings): a release named there but not in the ledger was lost from it (an emptied
 * or truncated file). When the newest releases are lost, `releases()` refuses to answer rather than
 * show "no releases" and let the next deploy reuse a number whose old revision still serves.
 */
import { appendFile, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { LedgerEvent, OperatorCommand, Phase } from '../../../core/types.ts';
import type { Ledger, ReleaseRecord } from '../../../engine/target.ts';
import { fsyncDir, writeJsonAtomic } from './atomic.ts';
import { appendRecord, doctorFix, type LogRead, problemsOf, readLog } from './log-file.ts';
import type { StatePaths } from './paths.ts';
import type { StateProblem } from './problems.ts';
import { commandLine, ledgerLine, progressFile, readJsonFile } from './schemas.ts';

type LedgerLine =
  | { type: 'begin'; record: ReleaseRecord }
  | { type: 'event'; event: LedgerEvent }
  | { type: 'finish'; release: number; outcome: Phase; reasons: string[]; at: number };

/** The newest releases are missing from the ledger although their files remain. */
export class LedgerLostError extends Error {
  readonly file: string;
  readonly lost: number[];
  constructor(file: string, lost: number[], evidence: string, stateDir: string) {
    const them = lost.length > 1 ? 'them' : 'it';
    super(
      `${file} has no record of ${releasesText(lost)}, although ${evidence} name ${them}: the ledger was emptied or truncated. Its history is not shown and nothing is deployed until this is resolved: restore the file from a backup, or run slipway local doctor --fix --state-dir ${stateDir}, which rebuilds the lost records from those files (outcome unknown)`,
    );
    this.name = 'LedgerLostError';
    this.file = file;
    this.lost = lost;
  }
}

export interface LedgerScan {
  read: LogRead<LedgerLine>;
  records: ReleaseRecord[];
  /** Release numbers named by progress memos or runtime files, and where. */
  elsewhere: Map<number, string[]>;
  /** Numbers named elsewhere with no `begin` line. */
  lost: number[];
}

export class FileLedger implements Ledger {
  readonly #paths: StatePaths;
  readonly #env: string;
  #problems: StateProblem[] = [];
  #commandProblems: StateProblem[] = [];
  #progressProblems = new Map<number, StateProblem>();

  constructor(paths: StatePaths, environment: string) {
    this.#paths = paths;
    this.#env = environment;
  }

  get file(): string {
    return this.#paths.ledger(this.#env);
  }

  /** Creates the (empty) ledger file of a new environment; an existing one is left as it is. */
  async create(): Promise<void> {
    await appendFile(this.file, '', { mode: 0o600 });
    await fsyncDir(this.#paths.root);
  }

  /** Problems found in the files the last reads went through: damaged lines, lost records. */
  problems(): StateProblem[] {
    return [...this.#problems, ...this.#commandProblems, ...this.#progressProblems.values()];
  }

  /** Reads the ledger and the files it is checked against, without judging. */
  async scan(): Promise<LedgerScan> {
    const read = (await readLog(this.file, ledgerLine)) as LogRead<LedgerLine>;
    const records = fold(read);
    const elsewhere = await this.#namedElsewhere();
    const begun = new Set(records.map((r) => r.release));
    const lost = [...elsewhere.keys()].filter((n) => !begun.has(n)).sort((a, b) => a - b);
    return { read, records, elsewhere, lost };
  }

  async releases(): Promise<ReleaseRecord[]> {
    const scan = await this.scan();
    const problems = problemsOf(this.file, scan.read, this.#paths.root);
    const newest = scan.records.reduce((m, r) => Math.max(m, r.release), 0);
    if (scan.lost.length) {
      const evidence = evidenceOf(scan);
      // Damaged lines may be exactly those records: report, keep the rest readable.
      if (scan.read.damaged.length === 0 && scan.lost.some((n) => n > newest)) {
        this.#problems = problems;
        throw new LedgerLostError(basename(this.file), scan.lost, evidence, this.#paths.root);
      }
      problems.push({
        file: this.file,
        message: `${this.file} has no record of ${releasesText(scan.lost)} although ${evidence} name ${scan.lost.length > 1 ? 'them' : 'it'}`,
        fix: doctorFix(this.#paths.root),
      });
    }
    this.#problems = problems;
    return scan.records;
  }

  async begin(record: ReleaseRecord): Promise<void> {
    const scan = await this.scan();
    if (scan.records.some((r) => r.release === record.release)) {
      throw new Error(`release ${record.release} already exists in the ${this.#env} ledger`);
    }
    // Files of this number exist: its record was lost, and its old revision may still run.
    const where = scan.elsewhere.get(record.release);
    if (where) {
      throw new Error(
        `release ${record.release} of ${this.#env} cannot begin: ${where.join(' and ')} already belong to a release ${record.release} that ${this.file} has lost (damaged or truncated); ${doctorFix(this.#paths.root)}, then deploy again`,
      );
    }
    await this.#append({ type: 'begin', record });
  }

  async append(event: LedgerEvent): Promise<void> {
    await this.#append({ type: 'event', event });
  }

  async events(release: number): Promise<LedgerEvent[]> {
    const read = (await readLog(this.file, ledgerLine)) as LogRead<LedgerLine>;
    this.#problems = problemsOf(this.file, read, this.#paths.root);
    return read.lines.flatMap(({ value: l }) =>
      l.type === 'event' && l.event.release === release ? [l.event] : [],
    );
  }

  async finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void> {
    await this.#append({ type: 'finish', release, outcome, reasons, at });
  }

  async saveProgress(release: number, progress: unknown): Promise<void> {
    await writeJsonAtomic(this.#paths.progress(this.#env, release), { release, progress }, { mode: 0o600 });
    this.#progressProblems.delete(release);
  }

  /**
   * A damaged memo reads as none (the engine then starts the operation over from the ledger's
   * spec, re-observing the world) and is reported; the next save replaces it.
   */
  async loadProgress(release: number): Promise<unknown> {
    const file = this.#paths.progress(this.#env, release);
    const read = await readJsonFile(file, progressFile);
    if (read.kind === 'damaged') {
      this.#progressProblems.set(release, {
        file,
        message: `${file} is damaged: ${read.problem}; release ${release} resumes from its ledger record instead`,
        fix: doctorFix(this.#paths.root),
      });
      return undefined;
    }
    this.#progressProblems.delete(release);
    return read.kind === 'ok' ? read.value.progress : undefined;
  }

  async command(release: number, command: OperatorCommand): Promise<void> {
    await appendRecord(this.#paths.commands(this.#env), { release, command });
  }

  async commands(release: number): Promise<OperatorCommand[]> {
    const file = this.#paths.commands(this.#env);
    const read = await readLog(file, commandLine);
    this.#commandProblems = problemsOf(file, read, this.#paths.root);
    return read.lines
      .filter((l) => l.value.release === release)
      .map((l) => l.value.command as OperatorCommand);
  }

  /** The last release whose operation ended `promoted`: what serves users when nothing is in flight. */
  async lastPromoted(): Promise<ReleaseRecord | undefined> {
    return (await this.releases()).filter((r) => r.outcome === 'promoted').at(-1);
  }

  async #append(line: LedgerLine): Promise<void> {
    await appendRecord(this.file, line);
  }

  /** Release numbers that progress memos and runtime files name, with the files. */
  async #namedElsewhere(): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>();
    const add = (n: number, file: string) => out.set(n, [...(out.get(n) ?? []), file]);
    const progressDir = dirname(this.#paths.progress(this.#env, 1));
    const prefix = `${this.#env}.`;
    for (const f of await readdir(progressDir).catch(() => [] as string[])) {
      const m = /^(\d+)\.json$/.exec(f.startsWith(prefix) ? f.slice(prefix.length) : '');
      if (m) add(Number(m[1]), `progress/${f}`);
    }
    const runtimeDir = dirname(this.#paths.runtime(this.#env, 1));
    for (const f of await readdir(runtimeDir).catch(() => [] as string[])) {
      const m = /^(\d+)\.json$/.exec(f);
      if (m) add(Number(m[1]), `runtime/${this.#env}/${f}`);
    }
    return out;
  }
}

function fold(read: LogRead<LedgerLine>): ReleaseRecord[] {
  const byRelease = new Map<number, ReleaseRecord>();
  for (const { value: line } of read.lines) {
    if (line.type === 'begin') byRelease.set(line.record.release, { ...line.record });
    if (line.type === 'finish') {
      const rec = byRelease.get(line.release);
      if (rec) Object.assign(rec, { outcome: line.outcome, finishedAt: line.at, reasons: line.reasons });
    }
  }
  return [...byRelease.values()].sort((a, b) => a.release - b.release);
}

function evidenceOf(scan: LedgerScan): string {
  const files = scan.lost.flatMap((n) => scan.elsewhere.get(n) ?? []);
  const shown = files.slice(0, 4).join(', ');
  return files.length > 4 ? `${shown} (and ${files.length - 4} more files)` : shown;
}

function releasesText(lost: number[]): string {
  return `release${lost.length > 1 ? 's' : ''} ${lost.join(', ')}`;
}
