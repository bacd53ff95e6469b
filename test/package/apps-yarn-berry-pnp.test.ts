// The packaging matrix, Yarn Plug'n'Play row: the packed slipway in a fresh express app with
// `nodeLinker: pnp`, every command through `yarn slipway`, so the keeper and the daemon start under
// the inherited `.pnp.cjs` fs patch (test/package/support/apps.ts).
import { test } from 'node:test';
import { runRow } from './support/apps.ts';

test('yarn-berry (pnp), express: the installed bin runs every command a user runs, deploys included', async (t) => {
  await runRow(t, { manager: 'yarn-berry', fixture: 'express', proxyPort: 18745, pnp: true });
});
