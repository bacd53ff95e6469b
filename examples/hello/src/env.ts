/**
 * Typed readers for environment variables that collect every problem instead of stopping at the first,
 * so a misconfigured release shows all of its mistakes in one start attempt.
 *
 * An empty or blank value counts as unset: orchestrators often render `FOO=` for "no value".
 */

export type Env = Readonly<Record<string, string | undefined>>;

/** One bad variable: its name, the value as given, and what would have been accepted. */
export interface EnvProblem {
  readonly name: string;
  readonly value: string | undefined;
  readonly expected: string;
}

export class ConfigError extends Error {
  readonly problems: readonly EnvProblem[];
  constructor(problems: readonly EnvProblem[]) {
    super(formatProblems(problems));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatProblems(problems: readonly EnvProblem[]): string {
  const count =
    problems.length === 1 ? '1 environment variable is' : `${problems.length} environment variables are`;
  const lines = problems.map((p) => {
    const shown = p.value === undefined ? '' : `=${JSON.stringify(p.value)}`;
    return `  ${p.name}${shown}: expected ${p.expected}`;
  });
  return `invalid configuration: ${count} wrong\n${lines.join('\n')}\nFix or unset them (unset variables take their defaults).`;
}

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

export class EnvReader {
  readonly #env: Env;
  readonly #problems: EnvProblem[] = [];

  constructor(env: Env) {
    this.#env = env;
  }

  #raw(name: string): string | undefined {
    const value = this.#env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Records a problem and returns the fallback, so parsing continues and reports everything. */
  problem<T>(name: string, expected: string, fallback: T): T {
    this.#problems.push({ name, value: this.#env[name], expected });
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (INTEGER.test(raw) && value >= min && value <= max) return value;
    return this.problem(name, `a whole number from ${min} to ${max} (default ${fallback})`, fallback);
  }

  /** A probability: 0 means never, 1 means always. */
  fraction(name: string): number {
    const raw = this.#raw(name);
    if (raw === undefined) return 0;
    const value = Number(raw);
    if (DECIMAL.test(raw) && value >= 0 && value <= 1) return value;
    return this.problem(name, 'a fraction from 0 to 1, e.g. 0.05 for 5% (default 0: off)', 0);
  }

  /** A positive number of seconds, or undefined when unset. */
  positiveSeconds(name: string): number | undefined {
    const raw = this.#raw(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (DECIMAL.test(raw) && value > 0) return value;
    return this.problem(
      name,
      'a number of seconds greater than 0, e.g. 30 or 0.5 (default: unset, off)',
      undefined,
    );
  }

  boolean(name: string): boolean {
    const raw = this.#raw(name)?.toLowerCase();
    if (raw === undefined || FALSE_WORDS.has(raw)) return false;
    if (TRUE_WORDS.has(raw)) return true;
    return this.problem(name, 'true or false (also 1/0, yes/no, on/off; default false)', false);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.#raw(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    const found = allowed.find((a) => a === raw);
    if (found !== undefined) return found;
    return this.problem(name, `one of ${allowed.join(', ')} (default ${fallback})`, fallback);
  }

  matching(name: string, pattern: RegExp, description: string, fallback: string): string {
    const raw = this.#raw(name);
    if (raw === undefined) return fallback;
    if (pattern.test(raw)) return raw;
    return this.problem(name, `${description} (default ${JSON.stringify(fallback)})`, fallback);
  }

  /** Throws one ConfigError listing every problem recorded so far. */
  throwIfProblems(): void {
    if (this.#problems.length > 0) throw new ConfigError([...this.#problems]);
  }
}
