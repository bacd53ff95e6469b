// Bundles the dashboard's page into dist/dashboard/assets (run by `npm run build` after tsc).
import { fileURLToPath } from 'node:url';
import { bundleDashboard } from '../src/dashboard/bundle.ts';

const out = fileURLToPath(new URL('../dist/dashboard/assets', import.meta.url));
const assets = await bundleDashboard(out);
const kb = (s: string) => `${(Buffer.byteLength(s) / 1024).toFixed(1)} kB`;
process.stdout.write(
  `dashboard: app.js ${kb(assets['app.js'])}, app.css ${kb(assets['app.css'])} → ${out}\n`,
);
