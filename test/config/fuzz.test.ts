/**
 * Property: whatever a user (or a bad merge) does to a valid config, validation answers with a
 * result: either valid (and then every environment maps to a ReleaseSpec) or a list of problems,
 * each with a path and a message. It never throws and never crashes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { toReleaseSpec, type ValidationResult, validateConfigText } from '../../src/config/index.ts';

const EXAMPLE_PATH = new URL('../../examples/hello/slipway.yaml', import.meta.url);
const EXAMPLE_TEXT = readFileSync(EXAMPLE_PATH, 'utf8');
const EXAMPLE = parse(EXAMPLE_TEXT) as unknown;
const DIGEST = `sha256:${'0'.repeat(64)}`;

type Path = (string | number)[];

function allPaths(node: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(node)) for (const [i, v] of node.entries()) out.push(...allPaths(v, [...prefix, i]));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) out.push(...allPaths(v, [...prefix, k]));
  }
  return out;
}

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'rename'; at: number; suffix: string }
  | { kind: 'wrap'; at: number };

/** Applies one mutation to a deep copy, at the `at`-th node (modulo the node count). */
function mutate(root: unknown, m: Mutation): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  const paths = allPaths(copy).filter((p) => p.length > 0);
  if (paths.length === 0) return m.kind === 'replace' ? m.value : copy;
  const path = paths[m.at % paths.length]!;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], copy) as
    | Record<string | number, unknown>
    | unknown[];
  const key = path[path.length - 1]!;
  const record = parent as Record<string | number, unknown>;
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete record[key];
      break;
    case 'replace':
      record[key] = m.value;
      break;
    case 'rename':
      if (!Array.isArray(parent)) {
        record[`${String(key)}${m.suffix}`] = record[key];
        delete record[key];
      }
      break;
    case 'wrap':
      record[key] = [record[key]];
      break;
  }
  return copy;
}

const scalar = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    100,
    130,
    Number.POSITIVE_INFINITY,
    '',
    '30s',
    '0s',
    '1.5m',
    'local',
    'kubernetes',
    '__proto__',
  ),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
);
const value = fc.oneof(scalar, fc.jsonValue({ maxDepth: 2 }), fc.constant({}), fc.constant([]));
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value }),
  fc.record({
    kind: fc.constant('rename' as const),
    at: fc.nat(),
    suffix: fc.constantFrom('s', 'x', '_', 'E'),
  }),
  fc.record({ kind: fc.constant('wrap' as const), at: fc.nat() }),
);

function checkResult(result: ValidationResult): void {
  if (result.ok) {
    for (const [environment, config] of Object.entries(result.config.environments)) {
      const spec = toReleaseSpec(config, { environment, release: 1, digest: DIGEST });
      assert.ok(spec.progressDeadlineMs > 0 && spec.replicas >= 1);
    }
    return;
  }
  assert.ok(result.problems.length > 0);
  for (const p of result.problems) {
    assert.equal(typeof p.path, 'string');
    assert.ok(typeof p.message === 'string' && p.message.length > 0);
    if (p.line !== undefined) assert.ok(p.line >= 1 && (p.column ?? 0) >= 1);
  }
}

describe('validation never crashes on mutated configs', () => {
  it('1,000 structural mutations of the example (delete, retype, rename, wrap nodes)', () => {
    let invalid = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const mutated = mutations.reduce<unknown>(mutate, EXAMPLE);
        const result = validateConfigText(stringify(mutated), 'slipway.yaml');
        if (!result.ok) invalid++;
        checkResult(result);
      }),
      { numRuns: 1000, seed: 20261127 },
    );
    assert.ok(invalid > 500, `most mutations should be caught (${invalid}/1000)`);
  });

  it('500 textual mutations of the YAML (insert, delete, swap characters)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat(),
            op: fc.constantFrom('insert', 'delete', 'swap'),
            ch: fc.constantFrom(':', '-', ' ', '\t', '[', '{', '"', '\n', '#', '&', '*', 'x', '9'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        (edits) => {
          let text = EXAMPLE_TEXT;
          for (const { at, op, ch } of edits) {
            const i = at % (text.length + 1);
            if (op === 'insert') text = text.slice(0, i) + ch + text.slice(i);
            else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
            else
              text = text.slice(0, i) + text.slice(i + 1, i + 2) + text.slice(i, i + 1) + text.slice(i + 2);
          }
          checkResult(validateConfigText(text, 'slipway.yaml'));
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });

  it('survives hostile YAML: alias bombs, deep nesting, huge numbers', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    for (const text of [
      bomb,
      `${'['.repeat(500)}${']'.repeat(500)}`,
      'replicas: 1e999\n',
      '--- a\n--- b\n',
      '!!binary x\n',
    ]) {
      checkResult(validateConfigText(text, 'slipway.yaml'));
    }
  });
});
