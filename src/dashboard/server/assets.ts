/**
 * The page's files. The package ships them prebuilt in `dist/dashboard/assets/` (`npm run build`
 * bundles the UI with esbuild: Preact, uPlot and our code in one script and one stylesheet, no CDN).
 * Run from source in this checkout, the server bundles the UI once in memory instead, so a
 * developer never sees a stale page.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Assets } from '../bundle.ts';

export type { Assets };

const fromSource = import.meta.url.endsWith('.ts');

/** Where the built files live: `dist/dashboard/assets/` of the package. */
export function assetsDir(): string {
  const rel = fromSource ? '../../../dist/dashboard/assets/' : '../assets/';
  return fileURLToPath(new URL(rel, import.meta.url));
}

let cached: Promise<Assets> | undefined;

export function loadAssets(): Promise<Assets> {
  cached ??= (async () => {
    if (fromSource) {
      const { bundleDashboard } = await import('../bundle.ts');
      return bundleDashboard();
    }
    const dir = assetsDir();
    const [js, css] = await Promise.all([
      readFile(`${dir}app.js`, 'utf8'),
      readFile(`${dir}app.css`, 'utf8'),
    ]);
    return { 'app.js': js, 'app.css': css };
  })().catch((err: Error) => {
    cached = undefined;
    throw new Error(
      `the dashboard's page files are missing (${assetsDir()}): ${err.message}; reinstall slipway, or run npm run build in its checkout`,
    );
  });
  return cached;
}

/** The page shell; everything else is the bundled script. */
export function indexHtml(base: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slipway</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${base}/assets/app.css">
</head>
<body>
<div id="app"><p class="boot">Loading…</p></div>
<script type="module" src="${base}/assets/app.js"></script>
</body>
</html>
`;
}
