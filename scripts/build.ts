/**
 * `npm run build` (also npm's `prepare`, so `npm ci` and `npm pack` build): dist/ from empty, so a
 * file removed from src/ never lingers in the package.
 *   1. tsc -p tsconfig.build.json: the code and its declarations (the library's types).
 *   2. Every non-code file under src/ (schemas and other data the code reads at run time through
 *      `new URL('./…', import.meta.url)`) copied to the same place under dist/, so the compiled code
 *      finds it exactly as the source does. src/dashboard/ui/ is the exception: step 3 bundles it.
 *   3. The dashboard's page bundled into dist/dashboard/assets.
 * test/package/dist.test.ts checks that the packed package holds them and that the built CLI runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleDashboard } from '../src/dashboard/bundle.ts';
import { runtimeFiles, SRC } from './runtime-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');

rmSync(DIST, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
const files = runtimeFiles();
for (const file of files) cpSync(join(SRC, file), join(DIST, file));
process.stdout.write(`build: copied ${files.length} runtime files into dist/: ${files.join(', ')}\n`);
const out = join(DIST, 'dashboard', 'assets');
const assets = await bundleDashboard(out);
const kb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} kB`;
process.stdout.write(
  `build: dashboard app.js ${kb(assets['app.js'])}, app.css ${kb(assets['app.css'])} → ${out}\n`,
);
