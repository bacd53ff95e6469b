// Supported runtimes, stated once (package.json `engines`) and enforced by the bin before it loads
// anything that could crash on an older Node; README and docs say the same range.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { requireTool } from './support/tools.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = `${ROOT}bin/slipway.js`;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'));

test('under Node 20 the bin prints one line (needs, found, how to get it) and exits 2', (t) => {
  const node20 = requireTool(t, 'node-20');
  if (!node20) return;
  for (const args of [
    ['--version'],
    ['render', '--config', 'examples/hello/slipway.yaml', '--env', 'production'],
  ]) {
    const r: SpawnSyncReturns<string> = spawnSync(node20, [BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line, no stack trace:\n${r.stderr}`);
    assert.match(lines[0]!, /^slipway needs Node\.js >=22\.19 but runs on Node\.js v20\.\d+\.\d+ \(/);
    assert.match(lines[0]!, /install Node 24 LTS \(e\.g\. `nvm install 24`/);
  }
});

test('under the supported Node the bin runs the compiled CLI', () => {
  const r = spawnSync(process.execPath, [BIN, '--version'], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('engines, README and docs/install.md state the same supported Node range', () => {
  assert.equal(pkg.engines.node, '>=22.19');
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const install = readFileSync(`${ROOT}docs/install.md`, 'utf8');
  for (const [name, text] of [
    ['README.md', readme],
    ['docs/install.md', install],
  ] as const) {
    assert.match(text, /Node\.js 22\.19 or later\s+\(the 22 and 24\s+LTS lines/, name);
    assert.doesNotMatch(text, /Node(\.js)? ?(≥|>=) ?20\b/, `${name} must not promise Node 20`);
  }
});
