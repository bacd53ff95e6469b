/**
 * A configuration problem as users see it: where (dotted path, line and column), what was found,
 * what was expected and how to fix it. Zod issues are translated here into that shape, with our
 * own wording, so messages stay stable across Zod versions.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { advice } from './schema/advice.ts';

export type PathSegment = string | number;

export interface ConfigProblem {
  /** Dotted path from the top of the file, e.g. `environments.production.strategy.canary.steps[2].setWeight`. */
  path: string;
  /** What is wrong, phrased after the path: "is not a valid duration". */
  message: string;
  /** The offending value as written (secrets and suspected secrets are redacted). */
  value?: unknown;
  expected?: string;
  hint?: string;
  /** 1-based position in the file, when the path (or its nearest ancestor) exists in the YAML. */
  line?: number;
  column?: number;
}

/** `['environments', 'production', 'steps', 2, 'setWeight']` → `environments.production.steps[2].setWeight`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A located, path-carrying problem before the path is formatted (paths are relative to `root`). */
export interface RawProblem extends Omit<ConfigProblem, 'path'> {
  path: PathSegment[];
  /** Where the problem's key sits, for unknown keys (points at the key, not the value). */
  atKey?: boolean;
}

/** The schema node at `path` (through wrappers, records, arrays and unions of objects). */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of [...path, undefined]) {
    while (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.def.innerType as z.ZodType;
    }
    if (segment === undefined || current === undefined) return current;
    if (current instanceof z.ZodObject)
      current = (current.shape as Record<string, z.ZodType>)[String(segment)];
    else if (current instanceof z.ZodRecord) current = current.def.valueType as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.def.element as z.ZodType;
    else if (current instanceof z.ZodUnion) {
      // A key below a union (`true | { maxDuration }`) is in its mapping branch.
      const mapping = mappingBranch(current);
      current = mapping ? (mapping.shape as Record<string, z.ZodType>)[String(segment)] : undefined;
    } else return undefined;
  }
  return current;
}

function mappingBranch(union: z.ZodUnion): z.ZodObject | undefined {
  return (union.def.options as z.ZodType[]).find((o) => o instanceof z.ZodObject) as z.ZodObject | undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

function bound(
  issue: { minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string },
  small: boolean,
) {
  const limit = String(small ? issue.minimum : issue.maximum);
  if (issue.origin === 'array')
    return `${small ? 'at least' : 'at most'} ${limit} item${limit === '1' ? '' : 's'}`;
  if (issue.origin === 'string')
    return `${small ? 'at least' : 'at most'} ${limit} character${limit === '1' ? '' : 's'}`;
  const op = small ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
  return `a number ${op} ${limit}`;
}

/** Zod issues (paths relative to `schema`) → problems, one per unknown key. */
export function translateIssues(schema: z.ZodType, issues: readonly z.core.$ZodIssue[]): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of issues) out.push(...translate(schema, issue));
  return out;
}

function translate(schema: z.ZodType, issue: z.core.$ZodIssue): RawProblem[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const value = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const at = schemaAt(schema, path);
      const node = at instanceof z.ZodUnion ? mappingBranch(at) : at;
      const known = node instanceof z.ZodObject ? Object.keys(node.shape) : [];
      const keyHints = node ? advice.get(node)?.keys : undefined;
      return issue.keys.map((key) => {
        const hint = keyHints?.[key] ?? unknownKeyHint(key, known, node);
        return {
          path: [...path, key],
          atKey: true,
          message: 'is not a known key',
          value: key,
          expected: known.length > 0 ? `one of ${known.join(', ')}` : 'no keys here',
          hint,
        };
      });
    }
    case 'invalid_type': {
      const node = schemaAt(schema, path);
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      const typeAdvice = node ? advice.get(node)?.wrongType : undefined;
      if (typeAdvice && value !== undefined && value !== null) {
        const { message, hint } = typeAdvice;
        return [{ path, message, value, expected: typeAdvice.expected ?? expected, hint }];
      }
      if (value === undefined) return [{ path, message: 'is required', expected }];
      if (value === null) {
        const empty = node ? advice.get(node)?.empty : undefined;
        if (empty) return [{ path, message: empty.message, value, expected, hint: empty.hint }];
        return [
          { path, message: 'is null', value, expected, hint: 'null only removes a key inside environments' },
        ];
      }
      return [{ path, message: `must be ${expected}, not ${describe(value)}`, value, expected }];
    }
    case 'invalid_value':
      if (value === undefined)
        return [{ path, message: 'is required', expected: `one of ${issue.values.join(', ')}` }];
      return [
        {
          path,
          message: 'is not an allowed value',
          value,
          expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
          hint: typeof value === 'string' ? guessHint(value, issue.values) : undefined,
        },
      ];
    case 'too_small':
      return [{ path, message: 'is too small', value, expected: bound(issue, true) }];
    case 'too_big':
      return [{ path, message: 'is too large', value, expected: bound(issue, false) }];
    case 'not_multiple_of':
      return [
        { path, message: 'is not a whole multiple', value, expected: `a multiple of ${issue.divisor}` },
      ];
    case 'invalid_format':
      return [
        { path, message: `is not a valid ${issue.format}`, value, expected: `a valid ${issue.format}` },
      ];
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string; options?: unknown[] }).discriminator;
      if (discriminator) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
        return [
          {
            path,
            message: 'is not a known kind',
            value,
            expected: `one of ${options.join(', ')}`,
            hint: typeof value === 'string' ? guessHint(value, options) : undefined,
          },
        ];
      }
      // A mapping given where one branch is a mapping: that branch's own problems (a misspelt key,
      // a bad value) say more than "wrong type".
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const typed = issue.errors.filter(
          (branch) => !branch.some((e) => e.code === 'invalid_type' && e.path.length === 0),
        );
        if (typed.length === 1 && typed[0]) {
          return typed[0].flatMap((e) =>
            translate(schema, { ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue),
          );
        }
      }
      const expected = issue.errors
        .flatMap((branch) =>
          branch.filter((e) => e.code === 'invalid_type').map((e) => TYPE_NAMES[e.expected] ?? e.expected),
        )
        .filter((e, i, all) => all.indexOf(e) === i);
      return [
        { path, message: `has the wrong type (${describe(value)})`, value, expected: expected.join(' or ') },
      ];
    }
    case 'invalid_key': {
      const inner = issue.issues.flatMap((i) =>
        translate(z.unknown(), { ...i, path: [], input: value } as z.core.$ZodIssue),
      );
      return inner.map((p) => ({ ...p, path, atKey: true, message: `(key) ${p.message}` }));
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { expected?: string; hint?: string };
      return [{ path, message: issue.message, value, expected: params.expected, hint: params.hint }];
    }
    default:
      return [{ path, message: issue.message, value }];
  }
}

/**
 * A typo of a key here (`replcas` → `replicas`), or the right key one level too high
 * (`strategy.steps` → `strategy.canary.steps`), or a YAML merge key.
 */
function unknownKeyHint(key: string, known: string[], node: z.ZodType | undefined): string | undefined {
  if (key === '<<') return 'YAML merge keys are not supported; environments already inherit the base';
  const guess = didYouMean(key, known);
  if (guess) return `did you mean "${guess}"?`;
  if (!(node instanceof z.ZodObject)) return undefined;
  const parents = known.filter((k) => {
    const child = schemaAt(node, [k]);
    return child instanceof z.ZodObject && key in child.shape;
  });
  return parents.length > 0
    ? `it belongs one level down: ${parents.map((p) => `${p}.${key}`).join(' or ')}`
    : undefined;
}

function guessHint(value: string, options: readonly unknown[]): string | undefined {
  const guess = didYouMean(value, options.map(String));
  return guess ? `did you mean "${guess}"?` : undefined;
}
