/** Human rendering of config problems: `file:line:col: path: message (got X; expected Y) — hint`. */
import { SlipwayError } from '../core/fault.ts';
import type { ConfigProblem } from './problems.ts';

const MAX_VALUE = 60;

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

export function formatProblem(problem: ConfigProblem, file: string): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}:${problem.column}`;
  const details = [
    problem.value === undefined ? undefined : `got ${show(problem.value)}`,
    problem.expected === undefined ? undefined : `expected ${problem.expected}`,
  ].filter((d) => d !== undefined);
  const subject = problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
  return `${where}: ${subject}${details.length > 0 ? ` (${details.join('; ')})` : ''}${problem.hint ? ` — ${problem.hint}` : ''}`;
}

export function formatProblems(problems: readonly ConfigProblem[], file: string): string {
  return problems.map((p) => formatProblem(p, file)).join('\n');
}

/** Thrown by `loadConfig` and `resolveEnvironment`; carries every problem found. */
export class ConfigError extends SlipwayError {
  readonly file: string;
  readonly problems: ConfigProblem[];
  constructor(file: string, problems: ConfigProblem[]) {
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, 'invalid-input');
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }

  /** The count, then every problem with its path, bad value and hint. */
  override get summary(): string {
    return `${this.message}:\n${formatProblems(this.problems, this.file)}`;
  }
}
