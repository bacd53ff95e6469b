#!/usr/bin/env node
// The published entry point. It checks the running Node against package.json's `engines` range
// BEFORE loading the CLI: on an older Node the CLI's dependencies (undici) crash at import with a
// stack trace that never mentions the version. So only Node built-ins and semver (plain CommonJS
// that runs on Node >= 10) are imported statically; the CLI is imported after the check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import satisfies from 'semver/functions/satisfies.js';

const packageJson = new URL('../package.json', import.meta.url);
const range = JSON.parse(readFileSync(packageJson, 'utf8')).engines.node;

if (!satisfies(process.versions.node, range, { includePrerelease: true })) {
  process.stderr.write(
    `slipway needs Node.js ${range} but runs on Node.js ${process.version} (${process.execPath}); ` +
      'install Node 24 LTS (e.g. `nvm install 24`, or https://nodejs.org/en/download) and run slipway with it\n',
  );
  process.exit(2);
}

const entry = new URL('../dist/cli/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (err) {
  // A checkout that was never built (npm ci builds dist/ through the prepare script).
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(fileURLToPath(entry))) throw err;
  process.stderr.write(
    `slipway is not built: ${fileURLToPath(entry)} is missing; run \`npm run build\` in ${fileURLToPath(new URL('..', import.meta.url))}\n`,
  );
  process.exit(2);
}
process.exitCode = await cli.main(process.argv.slice(2));
