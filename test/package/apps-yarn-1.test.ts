// The packaging matrix, yarn-1 row: the packed slipway in a fresh fastify app (test/package/support/apps.ts).
import { test } from 'node:test';
import { runRow } from './support/apps.ts';

test('yarn-1, fastify: the installed bin runs every command a user runs, deploys included', async (t) => {
  await runRow(t, { manager: 'yarn-1', fixture: 'fastify', proxyPort: 18742 });
});
