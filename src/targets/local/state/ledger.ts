/**
 * The per-environment ledger as append-only JSON lines (`ledger.<env>.jsonl`). Every change is a
 * new line; `releases()` folds the lines into records. Progress memos are small files replaced
 * atomically; operator commands are their own append-only file so a second CLI can send them.
 * Only the daemon writes these files (it serializes writers); clients go through its API.
 */
import { appendFile, readFile } from 'node:fs/promises';
import type { LedgerEvent, OperatorCommand, Phase } from '../../../core/types.ts';
import type { Ledger, ReleaseRecord } from '../../../engine/target.ts';
import { appendLine, fsyncDir, parseJsonLines, writeJsonAtomic } from './atomic.ts';
import type { StatePaths } from './paths.ts';
import type { StateProblem } from './problems.ts';

type LedgerLine =
  | { type: 'begin'; record: ReleaseRecord }
  | { type: 'event'; event: LedgerEvent }
  | { type: 'finish'; release: number; outcome: Phase; reasons: string[]; at: number };

async function readLines<T>(path: string): Promise<T[]> {
  try {
    return parseJsonLines<T>(await readFile(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export class FileLedger implements Ledger {
  readonly #paths: StatePaths;
  readonly #env: string;
  constructor(paths: StatePaths, environment: string) {
    this.#paths = paths;
    this.#env = environment;
  }

  /** Creates the (empty) ledger file of a new environment; an existing one is left as it is. */
  async create(): Promise<void> {
    await appendFile(this.#paths.ledger(this.#env), '', { mode: 0o600 });
    await fsyncDir(this.#paths.root);
  }

  /** Problems found in the files the last reads went through (none yet: see item 4). */
  problems(): StateProblem[] {
    return [];
  }

  async releases(): Promise<ReleaseRecord[]> {
    const byRelease = new Map<number, ReleaseRecord>();
    for (const line of await readLines<LedgerLine>(this.#paths.ledger(this.#env))) {
      if (line.type === 'begin') byRelease.set(line.record.release, { ...line.record });
      if (line.type === 'finish') {
        const rec = byRelease.get(line.release);
        if (rec) Object.assign(rec, { outcome: line.outcome, finishedAt: line.at, reasons: line.reasons });
      }
    }
    return [...byRelease.values()].sort((a, b) => a.release - b.release);
  }

  async begin(record: ReleaseRecord): Promise<void> {
    const existing = await this.releases();
    if (existing.some((r) => r.release === record.release)) {
      throw new Error(`release ${record.release} already exists in the ${this.#env} ledger`);
    }
    await this.#append({ type: 'begin', record });
  }

  async append(event: LedgerEvent): Promise<void> {
    await this.#append({ type: 'event', event });
  }

  async events(release: number): Promise<LedgerEvent[]> {
    const lines = await readLines<LedgerLine>(this.#paths.ledger(this.#env));
    return lines.flatMap((l) => (l.type === 'event' && l.event.release === release ? [l.event] : []));
  }

  async finish(release: number, outcome: Phase, reasons: string[], at: number): Promise<void> {
    await this.#append({ type: 'finish', release, outcome, reasons, at });
  }

  async saveProgress(release: number, progress: unknown): Promise<void> {
    await writeJsonAtomic(this.#paths.progress(this.#env, release), { release, progress });
  }

  async loadProgress(release: number): Promise<unknown> {
    try {
      const text = await readFile(this.#paths.progress(this.#env, release), 'utf8');
      return (JSON.parse(text) as { progress: unknown }).progress;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async command(release: number, command: OperatorCommand): Promise<void> {
    await appendLine(this.#paths.commands(this.#env), JSON.stringify({ release, command }));
  }

  async commands(release: number): Promise<OperatorCommand[]> {
    const lines = await readLines<{ release: number; command: OperatorCommand }>(
      this.#paths.commands(this.#env),
    );
    return lines.filter((l) => l.release === release).map((l) => l.command);
  }

  /** The last release whose operation ended `promoted`: what serves users when nothing is in flight. */
  async lastPromoted(): Promise<ReleaseRecord | undefined> {
    return (await this.releases()).filter((r) => r.outcome === 'promoted').at(-1);
  }

  async #append(line: LedgerLine): Promise<void> {
    await appendLine(this.#paths.ledger(this.#env), JSON.stringify(line));
  }
}
