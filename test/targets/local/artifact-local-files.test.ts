/**
 * A production dependency on a tarball beside the app (`file:../vendor/tiny-1.0.0.tgz`) installs in
 * the dependency cache with npm, Yarn 1 and pnpm, each from a cold cache of its own: the lockfile
 * records the path relative to the app folder, and the cache folder is elsewhere
 * (src/targets/local/artifacts/local-files.ts). Yarn 1 and pnpm failed here before.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { ensureDependencies } from '../../../src/targets/local/artifacts/dependencies.ts';
import { mirroredLayout } from '../../../src/targets/local/artifacts/local-files.ts';
import { requireTool } from '../../package/support/tools.ts';
import { tempDir } from './helpers.ts';

test('the install folder sits as deep as the relative paths climb, with a link where each lands', () => {
  const deps = [
    { rel: '../../vendor/a.tgz', abs: '/src/vendor/a.tgz', identity: 'sha256:1' },
    { rel: 'lib/b.tgz', abs: '/src/team/app/lib/b.tgz', identity: 'sha256:2' },
  ];
  const { installDir, links } = mirroredLayout('/cache/tmp', deps);
  assert.equal(installDir, '/cache/tmp/mirror/_/_');
  assert.deepEqual(links, [
    { at: '/cache/tmp/mirror/vendor/a.tgz', to: '/src/vendor/a.tgz' },
    { at: '/cache/tmp/mirror/_/_/lib/b.tgz', to: '/src/team/app/lib/b.tgz' },
  ]);
  assert.equal(mirroredLayout('/c', []).installDir, '/c/mirror');
});

async function tarball(vendor: string, main: string): Promise<void> {
  const src = join(vendor, 'src');
  await mkdir(src, { recursive: true });
  await writeFile(
    join(src, 'package.json'),
    JSON.stringify({ name: 'tiny', version: '1.0.0', main: 'index.js' }),
  );
  await writeFile(join(src, 'index.js'), main);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', vendor], { cwd: src });
  await rm(src, { recursive: true });
}

const MANAGERS = [
  { name: 'npm', tool: undefined, lockfile: 'package-lock.json' },
  { name: 'yarn', tool: 'yarn-1', lockfile: 'yarn.lock' },
  { name: 'pnpm', tool: 'pnpm', lockfile: 'pnpm-lock.yaml' },
] as const;

for (const pm of MANAGERS) {
  test(`${pm.name}: a relative file: tarball installs in the cache, and a rebuilt tarball is installed again`, async (t) => {
    const bin = pm.tool ? requireTool(t, pm.tool) : 'npm';
    if (!bin) return;
    const root = await tempDir(t, `slipway-localfile-${pm.name}-`);
    const vendor = join(root, 'vendor');
    await tarball(vendor, 'module.exports = "one";');
    const app = join(root, 'team', 'app');
    await mkdir(app, { recursive: true });
    const pkg = {
      name: 'app',
      version: '1.0.0',
      private: true,
      dependencies: { tiny: 'file:../../vendor/tiny-1.0.0.tgz' },
    };
    await writeFile(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
    // Cold caches of the managers' own, so nothing is found by integrity instead of by path.
    const own = join(root, 'pm-cache');
    const env = {
      ...process.env,
      PATH: `${dirname(process.execPath)}:${dirname(bin)}:${process.env.PATH}`,
      npm_config_cache: join(own, 'npm'),
      YARN_CACHE_FOLDER: join(own, 'yarn'),
      npm_config_store_dir: join(own, 'pnpm-store'),
    };
    execFileSync(bin, ['install'], { cwd: app, env, stdio: 'ignore', timeout: 120_000 });
    assert.match(await readFile(join(app, pm.lockfile), 'utf8'), /\.\.\/\.\.\/vendor\/tiny-1\.0\.0\.tgz/);
    await rm(own, { recursive: true, force: true });
    const cacheDir = join(root, 'slipway-cache');

    const first = await ensureDependencies({ appDir: app, cacheDir, env });
    assert.ok(first && !first.reused);
    assert.equal(first.manager.name, pm.name);
    const installed = join(first.folder, 'node_modules', 'tiny', 'index.js');
    assert.equal(await readFile(installed, 'utf8'), 'module.exports = "one";');

    // Same name, new contents, locked again (as its maintainer would).
    await rm(vendor, { recursive: true });
    await tarball(vendor, 'module.exports = "two";');
    for (const f of [pm.lockfile, 'node_modules']) await rm(join(app, f), { recursive: true, force: true });
    execFileSync(bin, ['install'], { cwd: app, env, stdio: 'ignore', timeout: 120_000 });
    const second = await ensureDependencies({ appDir: app, cacheDir, env });
    assert.ok(second && !second.reused);
    assert.notEqual(second.key, first.key);
    assert.equal(
      await readFile(join(second.folder, 'node_modules', 'tiny', 'index.js'), 'utf8'),
      'module.exports = "two";',
    );
  });
}
