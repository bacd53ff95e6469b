import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { JSON_SCHEMA_PATH, renderJsonSchema } from '../../src/config/json-schema.ts';

describe('schema/slipway.schema.json', () => {
  it('is in sync with the Zod schema (run `npm run schema` after changing it)', () => {
    assert.equal(readFileSync(JSON_SCHEMA_PATH, 'utf8'), renderJsonSchema());
  });

  it('is a strict draft-07 schema that editors can use', () => {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'));
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required.sort(), ['environments', 'service']);
    const overlay = schema.properties.environments.additionalProperties;
    assert.equal(overlay.additionalProperties, false);
    assert.deepEqual(overlay.required, ['target']);
    assert.deepEqual(overlay.properties.target.enum, ['local', 'kubernetes']);
    // every object in the tree is closed, so editors flag unknown keys as slipway does
    const open: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`);
      } else if (node && typeof node === 'object') {
        const n = node as Record<string, unknown>;
        if (n.type === 'object' && n.properties && n.additionalProperties !== false) open.push(path);
        for (const [k, v] of Object.entries(n)) walk(v, `${path}.${k}`);
      }
    };
    walk(schema, '$');
    assert.deepEqual(open, []);
  });

  it('documents defaults and duration patterns for completion', () => {
    const schema = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'));
    assert.equal(schema.properties.replicas.default, 1);
    assert.match(schema.properties.progressDeadline.pattern, /h/);
    assert.equal(typeof schema.properties.strategy.description, 'string');
  });
});
