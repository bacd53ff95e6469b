/**
 * Bundles the page (src/dashboard/ui) with esbuild: one ES module with Preact and uPlot inside,
 * one stylesheet. Used by `npm run build` (written to dist/dashboard/assets) and, from source, by
 * the server at first request (kept in memory). esbuild is a build-time dependency only.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The page's two files, by the name the server serves them under. */
export interface Assets {
  'app.js': string;
  'app.css': string;
}

const ENTRY = fileURLToPath(new URL('./ui/main.tsx', import.meta.url));

export async function bundleDashboard(outDir?: string): Promise<Assets> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    target: ['chrome120', 'firefox120', 'safari17'],
    minify: true,
    legalComments: 'none',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outdir: '/out',
    entryNames: 'app',
    write: false,
    logLevel: 'silent',
  });
  const pick = (ext: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(ext));
    if (!file) throw new Error(`esbuild produced no ${ext} for the dashboard`);
    return file.text;
  };
  const assets: Assets = { 'app.js': pick('.js'), 'app.css': pick('.css') };
  if (outDir) {
    await mkdir(outDir, { recursive: true });
    await Promise.all(Object.entries(assets).map(([name, text]) => writeFile(`${outDir}/${name}`, text)));
  }
  return assets;
}
