import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
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

/**
 * What an editor does with the schema: a draft-07 validator (Ajv, strict mode) must accept the
 * example and flag the mistakes the schema can express without Slipway's own code.
 */
describe('schema/slipway.schema.json in a JSON Schema validator', () => {
  const schema = JSON.parse(readFileSync(JSON_SCHEMA_PATH, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
  ajv.addFormat('uri', (text: string) => URL.canParse(text)); // what editors check for `format: uri`
  // biome-ignore lint/suspicious/noExplicitAny: the tests reach into arbitrary nodes of a parsed config
  type Loose = Record<string, any>;
  const validate = ajv.compile<Loose>(schema);
  const example = parse(readFileSync(new URL('../../examples/hello/slipway.yaml', import.meta.url), 'utf8'));

  it('accepts the example', () => {
    assert.ok(validate(example), JSON.stringify(validate.errors, null, 2));
  });

  it('lets an environment remove a key with null, but not the base', () => {
    const config = structuredClone(example);
    config.environments.development.autoscaling = null;
    config.environments.development.env = { LOG_LEVEL: null };
    assert.ok(validate(config), JSON.stringify(validate.errors));
    config.replicas = null;
    assert.equal(validate(config), false);
  });

  const broken: [string, (c: Loose) => void, string][] = [
    [
      'unknown key',
      (c) => {
        c.replcas = 2;
      },
      'additionalProperties',
    ],
    [
      'weight above 100',
      (c) => {
        c.environments.production.strategy.canary.steps[0].setWeight = 130;
      },
      'maximum',
    ],
    [
      'duration without unit',
      (c) => {
        c.progressDeadline = '30';
      },
      'pattern',
    ],
    [
      'fractional duration',
      (c) => {
        c.environments.development.proxy.drainTimeout = '1.5m';
      },
      'pattern',
    ],
    [
      'missing target',
      (c) => {
        delete c.environments.staging.target;
      },
      'required',
    ],
    [
      'bad target',
      (c) => {
        c.environments.staging.target = 'lokal';
      },
      'enum',
    ],
    [
      'inline secret value',
      (c) => {
        c.secrets = { DB: 'postgres://u:p@h/db' };
      },
      'type',
    ],
    [
      'waiver without reason',
      (c) => {
        c.environments.production.kubernetes.waivers = [{ rule: 'x-y' }];
      },
      'required',
    ],
    [
      'two strategies',
      (c) => {
        c.strategy.rolling = {};
      },
      'maxProperties',
    ],
  ];
  for (const [name, mutate, keyword] of broken) {
    it(`flags: ${name}`, () => {
      const config = structuredClone(example);
      mutate(config);
      assert.equal(validate(config), false);
      assert.ok(
        validate.errors?.some((e) => e.keyword === keyword),
        `${keyword} in ${JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`))}`,
      );
    });
  }
});
