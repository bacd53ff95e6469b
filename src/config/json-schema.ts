/**
 * The published JSON Schema (`schema/slipway.schema.json`), generated from the Zod schema so the
 * two can never disagree; `test/config/json-schema.test.ts` fails when the committed file is stale.
 * Draft-07 because it is what editors (yaml-language-server, VS Code, JetBrains) support best.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { fileSchema } from './schema/index.ts';

export const JSON_SCHEMA_PATH = fileURLToPath(new URL('../../schema/slipway.schema.json', import.meta.url));

export function buildJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(fileSchema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' });
}

/** The exact file contents (stable key order from the schema, two-space indent, final newline). */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
