/** docs/config.md is the user reference: it must cover every key and its example must be valid. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { validateConfigText } from '../../src/config/index.ts';
import { JSON_SCHEMA_PATH } from '../../src/config/json-schema.ts';

const DOCS = readFileSync(new URL('../../docs/config.md', import.meta.url), 'utf8');

function propertyNames(node: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) propertyNames(n, into);
  else if (node && typeof node === 'object') {
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    if (properties) for (const key of Object.keys(properties)) into.add(key);
    for (const value of Object.values(node)) propertyNames(value, into);
  }
  return into;
}

describe('docs/config.md', () => {
  it('mentions every key of the schema', () => {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'));
    const missing = [...propertyNames(schema)].filter((key) => !DOCS.includes(key));
    assert.deepEqual(missing, []);
  });

  it('has an annotated example that validates', () => {
    const start = DOCS.indexOf('## Annotated example');
    const block = /```yaml\n([\s\S]*?)```/.exec(DOCS.slice(start));
    assert.ok(block?.[1]);
    const result = validateConfigText(block[1], 'docs/config.md');
    assert.ok(result.ok, JSON.stringify(!result.ok && result.problems, null, 2));
  });
});
