// The packaging matrix, pnpm row: the packed slipway in a fresh fastify app (test/package/support/apps.ts).
import { test } from 'node:test';
import { runRow } from './support/apps.ts';

test('pnpm, fastify: the installed bin runs every command a user runs, deploys included', async (t) => {
  await runRow(t, { manager: 'pnpm', fixture: 'fastify', proxyPort: 18744 });
});
