/**
 * Reads `slipway.yaml`, resolves every environment (base + overlay) and validates everything in
 * one pass. Problems are collected, never thrown one by one: `validateConfigText` returns them all,
 * `loadConfig` throws one `ConfigError` carrying them all.
 */
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { didYouMean } from './did-you-mean.ts';
import { locate, pathAtOffset } from './locate.ts';
import { isMapping, mergeOverlay } from './merge.ts';
import {
  type ConfigProblem,
  formatPath,
  type PathSegment,
  type RawProblem,
  translateIssues,
} from './problems.ts';
import { ConfigError } from './report.ts';
import { fileSchema, type ResolvedConfig, resolvedSchema } from './schema/index.ts';
import { decodeConfig, duplicateKeys, type SourceProblem, sizeProblem } from './source.ts';
import { crossEnvironmentChecks, type TargetProblem, targetChecks } from './target-checks.ts';

export interface LoadedConfig {
  /** Absolute path of the file. */
  file: string;
  /** Folder of the file: `artifact.local.path` and secret files are relative to it. */
  dir: string;
  service: string;
  /** Every environment, resolved and validated, in file order. */
  environments: Record<string, ResolvedConfig>;
}

export type ValidationResult = { ok: true; config: LoadedConfig } | { ok: false; problems: ConfigProblem[] };

export interface ValidateOptions {
  /** Check only this environment (plus the base); an unknown name is itself a problem. */
  environment?: string;
}

/** Validates YAML text as `file`. Never throws: every problem is in the result. */
export function validateConfigText(
  text: string,
  file: string,
  options: ValidateOptions = {},
): ValidationResult {
  const tooLarge = sizeProblem(Buffer.byteLength(text));
  if (tooLarge) return { ok: false, problems: [{ path: '', ...tooLarge }] };
  const lines = new LineCounter();
  // Duplicate keys are found by `duplicateKeys` (linear); the parser's own check is quadratic.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const syntax = syntaxProblems(doc, lines);
  if (doc.errors.length > 0) return { ok: false, problems: syntax };
  // A duplicate key leaves a usable document (the last value wins), so validation can go on.
  syntax.push(...duplicateKeys(doc).map(({ offset }) => duplicateProblem(doc, lines, offset)));
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return {
      ok: false,
      problems: [{ path: '', message: `cannot be read: ${(err as Error).message}`, line: 1, column: 1 }],
    };
  }
  if (!isMapping(raw)) {
    const problem: ConfigProblem = {
      path: '',
      message: raw === null || raw === undefined ? 'is empty' : 'must be a mapping at the top level',
      expected: 'a mapping with service, artifact, … and environments',
      hint: 'see docs/config.md for an annotated example',
    };
    return { ok: false, problems: [{ ...problem, line: 1, column: 1 }] };
  }
  const result = validateParsed(raw, doc, lines, file, options);
  if (syntax.length === 0) return result;
  return { ok: false, problems: [...syntax, ...(result.ok ? [] : result.problems)] };
}

function validateParsed(
  raw: Record<string, unknown>,
  doc: Document,
  lines: LineCounter,
  file: string,
  options: ValidateOptions,
): ValidationResult {
  const collected: RawProblem[] = reservedKeys(raw, []);
  const fileResult = fileSchema.safeParse(raw, { reportInput: true });
  if (!fileResult.success) collected.push(...translateIssues(fileSchema, fileResult.error.issues));

  const { environments: overlays, ...base } = raw;
  const resolved: Record<string, ResolvedConfig> = {};
  const merged: Record<string, unknown> = {};
  if (isMapping(overlays)) {
    for (const [name, overlay] of Object.entries(overlays)) {
      if (!isMapping(overlay) || name === '__proto__') continue; // reported already
      const config = mergeOverlay(base, overlay);
      merged[name] = config;
      const result = resolvedSchema.safeParse(config, { reportInput: true });
      const found: (RawProblem | TargetProblem)[] = [...targetChecks(config, name)];
      if (result.success) resolved[name] = result.data;
      else found.unshift(...translateIssues(resolvedSchema, result.error.issues));
      for (const problem of found)
        collected.push({ ...problem, path: attribute(problem, name, base, overlay) });
    }
  }
  collected.push(...crossEnvironmentChecks(merged));

  let problems = finish(collected, doc, lines);
  const wanted = options.environment;
  if (wanted !== undefined) {
    problems = problems.filter(
      (p) =>
        !p.path.startsWith('environments.') ||
        p.path.startsWith(`environments.${wanted}.`) ||
        p.path === `environments.${wanted}`,
    );
    if (isMapping(overlays) && !(wanted in overlays))
      problems.push(unknownEnvironment(wanted, Object.keys(overlays)));
  }
  if (problems.length > 0) return { ok: false, problems };
  const environments =
    wanted === undefined ? resolved : ({ [wanted]: resolved[wanted] } as Record<string, ResolvedConfig>);
  return {
    ok: true,
    config: { file: resolve(file), dir: dirname(resolve(file)), service: String(raw.service), environments },
  };
}

/** `__proto__` is a legal YAML key that JavaScript objects (and Zod) treat specially: refuse it. */
function reservedKeys(node: unknown, path: PathSegment[]): RawProblem[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => reservedKeys(item, [...path, i]));
  if (!isMapping(node)) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '__proto__'
      ? [
          {
            path: [...path, key],
            atKey: true,
            message: 'is a reserved name',
            value: key,
            expected: 'another key',
          },
        ]
      : reservedKeys(value, [...path, key]),
  );
}

/**
 * Where a problem found in a resolved environment belongs in the file: in the overlay when the
 * overlay sets the value (or when only the environment makes it a problem), otherwise in the base,
 * so a mistake in the base is reported once rather than once per environment.
 */
function attribute(
  problem: RawProblem | TargetProblem,
  env: string,
  base: unknown,
  overlay: unknown,
): PathSegment[] {
  const inEnv = ['environments', env, ...problem.path];
  if ('inEnvironment' in problem) return inEnv;
  const depthOverlay = existingDepth(overlay, problem.path);
  const depthBase = existingDepth(base, problem.path);
  if (depthOverlay === problem.path.length || depthOverlay >= depthBase) return inEnv;
  return problem.path;
}

/** How many leading segments of `path` exist in `root`. */
function existingDepth(root: unknown, path: readonly PathSegment[]): number {
  let node = root;
  let depth = 0;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) node = node[segment];
    else if (isMapping(node) && Object.hasOwn(node, String(segment)) && node[String(segment)] !== null)
      node = node[String(segment)];
    else break;
    depth++;
  }
  return depth;
}

const REDACTED = '<redacted>';

/** Formats, redacts, locates, de-duplicates and orders the problems. */
function finish(raw: RawProblem[], doc: Document, lines: LineCounter): ConfigProblem[] {
  const seen = new Set<string>();
  const out: ConfigProblem[] = [];
  for (const problem of raw) {
    const path = formatPath(problem.path);
    const id = `${path}\u0000${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const secretIndex = problem.path.indexOf('secrets');
    const keepValue = secretIndex < 0 || problem.atKey || problem.path[secretIndex + 2] === 'source';
    const { atKey, path: _, ...rest } = problem;
    const entry: ConfigProblem = { path, ...rest };
    if (!keepValue && entry.value !== undefined) entry.value = REDACTED;
    const pos = locate(doc, lines, problem.path, atKey);
    if (pos) Object.assign(entry, pos);
    for (const key of ['value', 'expected', 'hint'] as const) if (entry[key] === undefined) delete entry[key];
    out.push(entry);
  }
  return out.sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || a.path.localeCompare(b.path),
  );
}

/** Hints for the YAML mistakes people make most (codes from the `yaml` package). */
const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BLOCK_AS_IMPLICIT_KEY: 'quote values that contain ": "',
  MISSING_CHAR: 'close the quote or bracket opened before this point',
  BAD_INDENT: 'align keys of one mapping at the same column',
  MULTIPLE_DOCS: 'keep one document per slipway.yaml (no --- separators)',
  UNEXPECTED_TOKEN: 'check the indentation and the quoting on this line',
};

function syntaxProblems(doc: Document, lines: LineCounter): ConfigProblem[] {
  return doc.errors.map((error) => {
    const pos = error.linePos?.[0] ?? lines.linePos(error.pos[0]);
    const problem: ConfigProblem = {
      path: '',
      message: `YAML syntax error: ${error.message.split('\n')[0]}`,
      line: pos.line,
      column: pos.col,
    };
    const hint = SYNTAX_HINTS[error.code];
    if (hint) problem.hint = hint;
    return problem;
  });
}

function duplicateProblem(doc: Document, lines: LineCounter, offset: number): ConfigProblem {
  const pos = lines.linePos(offset);
  return {
    path: formatPath(pathAtOffset(doc, offset)),
    message: 'is defined twice in the same mapping',
    line: pos.line,
    column: pos.col,
    hint: 'YAML keeps only one of them; merge the two entries',
  };
}

function unknownEnvironment(name: string, known: string[]): ConfigProblem {
  const guess = didYouMean(name, known);
  return {
    path: `environments.${name}`,
    message: 'is not defined',
    value: name,
    expected: known.length > 0 ? `one of ${known.join(', ')}` : 'an environment defined under environments',
    hint: guess ? `did you mean "${guess}"?` : 'add it under environments',
  };
}

/** Reads and validates a config file. Never throws: an unreadable file is a problem too. */
export async function validateConfigFile(
  path: string,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  try {
    // The size is checked before reading, so a huge file costs no memory.
    const fh = await open(path, 'r');
    let bytes: Buffer;
    try {
      const { size } = await fh.stat();
      const tooLarge = sizeProblem(size);
      if (tooLarge) return { ok: false, problems: [located(path, tooLarge)] };
      bytes = await fh.readFile();
    } finally {
      await fh.close();
    }
    const decoded = decodeConfig(bytes);
    if ('problem' in decoded) return { ok: false, problems: [located(path, decoded.problem)] };
    return validateConfigText(decoded.text, path, options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code})`;
    const hint = 'pass --config FILE, or run slipway in the folder that holds slipway.yaml';
    return { ok: false, problems: [{ path: '', message: `${resolve(path)} ${reason}`, hint }] };
  }
}

function located(path: string, p: SourceProblem): ConfigProblem {
  return { path: '', ...p, message: `${resolve(path)} ${p.message}` };
}

/** Reads and validates a config file; throws `ConfigError` (with every problem) when it is not valid. */
export async function loadConfig(path: string, options: ValidateOptions = {}): Promise<LoadedConfig> {
  const result = await validateConfigFile(path, options);
  if (!result.ok) throw new ConfigError(path, result.problems);
  return result.config;
}

/** The resolved configuration of one environment; throws `ConfigError` for an unknown name. */
export function resolveEnvironment(config: LoadedConfig, environment: string): ResolvedConfig {
  const resolved = config.environments[environment];
  if (resolved === undefined) {
    throw new ConfigError(config.file, [unknownEnvironment(environment, Object.keys(config.environments))]);
  }
  return resolved;
}
