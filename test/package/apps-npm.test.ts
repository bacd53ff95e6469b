// The packaging matrix, npm row: the packed slipway in a fresh express app (test/package/support/apps.ts).
import { test } from 'node:test';
import { runRow } from './support/apps.ts';

test('npm, express: the installed bin runs every command a user runs, deploys included', async (t) => {
  await runRow(t, { manager: 'npm', fixture: 'express', proxyPort: 18741 });
});
