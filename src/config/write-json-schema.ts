/** `npm run schema`: regenerates schema/slipway.schema.json from the Zod schema. */
import { writeFileSync } from 'node:fs';
import { JSON_SCHEMA_PATH, renderJsonSchema } from './json-schema.ts';

writeFileSync(JSON_SCHEMA_PATH, renderJsonSchema());
process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
