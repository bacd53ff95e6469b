/**
 * The non-code files under src/ that the compiled code reads at run time (schemas and other data
 * found through `new URL('./…', import.meta.url)`): scripts/build.ts copies them to the same place
 * under dist/, and test/package checks that the packed package holds every one.
 */
import { readdirSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SRC = fileURLToPath(new URL('../src', import.meta.url));
const CODE = new Set(['.ts', '.tsx']);
/** Folders under src/ whose files are not copied: the dashboard's page is bundled by esbuild. */
const NOT_COPIED = [join(SRC, 'dashboard', 'ui')];

/** Paths relative to src/ (and so to dist/). */
export function runtimeFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (NOT_COPIED.includes(path)) return [];
    if (entry.isDirectory()) return runtimeFiles(path);
    return CODE.has(extname(entry.name)) ? [] : [relative(SRC, path)];
  });
}
