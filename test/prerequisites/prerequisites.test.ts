// The test-prerequisites mechanism (scripts/prerequisites): finding cached tools only once they
// are fully installed, and reporting a missing one with the line that installs it.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  cachedBinDir,
  ensure,
  PREREQUISITES,
  type Prerequisite,
  pathWithTools,
  toolPath,
} from '../../scripts/prerequisites/index.ts';

const tool: Prerequisite = {
  bin: 'fake-tool',
  why: 'a test',
  source: { kind: 'go', module: 'example.com/fake-tool', version: 'v1.2.3' },
};

function cacheWith(ready: boolean) {
  const cache = mkdtempSync(join(tmpdir(), 'slipway-prereq-'));
  const env = { SLIPWAY_CACHE: cache, PATH: '/nonexistent' };
  const dir = cachedBinDir(tool.source, env)!;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fake-tool'), '#!/bin/sh\n');
  chmodSync(join(dir, 'fake-tool'), 0o755);
  if (ready) writeFileSync(join(dir, '.slipway-installed'), 'now\n');
  return { cache, env, dir };
}

test('a cached tool is found once its install finished, and not before', (t) => {
  const done = cacheWith(true);
  const half = cacheWith(false);
  t.after(() => {
    rmSync(done.cache, { recursive: true, force: true });
    rmSync(half.cache, { recursive: true, force: true });
  });
  assert.equal(toolPath('fake-tool', done.env, [tool]), join(done.dir, 'fake-tool'));
  assert.equal(toolPath('fake-tool', half.env, [tool]), undefined);
  assert.deepEqual(ensure({ env: done.env, list: [tool], checkOnly: true }), [
    { bin: 'fake-tool', status: 'present', path: join(done.dir, 'fake-tool') },
  ]);
});

test('a missing tool is reported with the one line that installs it, and nothing is installed', () => {
  const env = { SLIPWAY_CACHE: '/nonexistent-cache', PATH: '/nonexistent' };
  const [outcome] = ensure({ env, list: [tool, PREREQUISITES[0]!], checkOnly: true });
  assert.deepEqual(outcome, {
    bin: 'fake-tool',
    status: 'missing',
    reason: 'not installed',
    instruction: `GOBIN=${cachedBinDir(tool.source, env)} go install example.com/fake-tool@v1.2.3`,
  });
  const debian = ensure({ env, list: [PREREQUISITES[0]!], checkOnly: true })[0];
  assert.equal(
    debian?.status === 'missing' && debian.instruction,
    'sudo apt-get install -y --no-install-recommends prometheus',
  );
});

test('every listed prerequisite is pinned and says why the tests need it', () => {
  for (const p of PREREQUISITES) {
    assert.ok(p.why.length > 10, `${p.bin}: why`);
    if (p.source.kind !== 'debian') assert.match(p.source.version, /\d/, `${p.bin}: pinned version`);
  }
  assert.ok(pathWithTools({ PATH: '/usr/bin' }).endsWith('/usr/bin'));
});

test('npm-packaged tools are looked up by id, only in the cache, and kept off the tests PATH', (t) => {
  const yarn1: Prerequisite = {
    id: 'yarn-1',
    bin: 'yarn',
    why: 'a test',
    source: { kind: 'npm', package: 'yarn', version: '1.22.22' },
  };
  const berry: Prerequisite = {
    id: 'yarn-berry',
    bin: 'yarn',
    why: 'a test',
    source: { kind: 'npm', package: '@yarnpkg/cli-dist', version: '4.0.0' },
  };
  const cache = mkdtempSync(join(tmpdir(), 'slipway-prereq-'));
  t.after(() => rmSync(cache, { recursive: true, force: true }));
  // A yarn on PATH is some other version: never taken for a pinned one.
  const onPath = join(cache, 'path');
  mkdirSync(onPath);
  writeFileSync(join(onPath, 'yarn'), '#!/bin/sh\n');
  chmodSync(join(onPath, 'yarn'), 0o755);
  const env = { SLIPWAY_CACHE: cache, PATH: onPath };
  assert.equal(toolPath('yarn-1', env, [yarn1, berry]), undefined);
  const dir = cachedBinDir(berry.source, env)!;
  assert.equal(dir, join(cache, 'prerequisites', 'npm', '@yarnpkg+cli-dist-4.0.0', 'node_modules', '.bin'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'yarn'), '#!/bin/sh\n');
  chmodSync(join(dir, 'yarn'), 0o755);
  writeFileSync(join(dir, '..', '..', '.slipway-installed'), 'now\n');
  assert.equal(toolPath('yarn-berry', env, [yarn1, berry]), join(dir, 'yarn'));
  assert.equal(toolPath('yarn-1', env, [yarn1, berry]), undefined);
  const [missing] = ensure({ env, list: [yarn1], checkOnly: true });
  assert.equal(
    missing?.status === 'missing' && missing.instruction,
    `npm install --prefix ${join(cache, 'prerequisites', 'npm', 'yarn-1.22.22')} yarn@1.22.22`,
  );
  assert.ok(!pathWithTools(env).includes('/npm/'));
});
