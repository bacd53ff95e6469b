/**
 * The local artifact of an app with dependencies: built from a staging copy (the checkout is not
 * touched), with its own production node_modules installed from the lockfile once and reused,
 * resolving nothing from the checkout, and a digest that ignores Slipway's own config.
 *
 * The dependencies are local tarballs (`file:vendor/*.tgz`), so npm installs them offline.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildArtifact } from '../../../src/targets/local/artifacts/index.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { tempDir } from './helpers.ts';

const npm = (cwd: string, ...args: string[]) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8' });

async function tarball(vendor: string, name: string, main: string): Promise<string> {
  const src = join(vendor, `src-${name}`);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  await writeFile(join(src, 'index.js'), main);
  const file = npm(src, 'pack', '--pack-destination', vendor).trim().split('\n').at(-1) as string;
  await rm(src, { recursive: true });
  return `file:vendor/${file}`;
}

/** A checkout: package.json, lockfile, installed node_modules (dev included), slipway.yaml. */
async function checkout(t: import('node:test').TestContext) {
  const dir = await tempDir(t, 'slipway-app-');
  const vendor = join(dir, 'vendor');
  await mkdir(vendor);
  const pkg = {
    name: 'app',
    version: '1.0.0',
    private: true,
    scripts: { start: 'node server.js' },
    dependencies: { greet: await tarball(vendor, 'greet', 'module.exports = () => "hello";') },
    devDependencies: { devtool: await tarball(vendor, 'devtool', 'module.exports = "dev";') },
  };
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  await writeFile(join(dir, 'server.js'), 'console.log(require("greet")());\n');
  await writeFile(join(dir, 'slipway.yaml'), 'service: app\n');
  npm(dir, 'install');
  return {
    dir,
    pkg,
    paths: new StatePaths(join(dir, '.slipway')),
    cacheDir: await tempDir(t, 'slipway-cache-'),
  };
}

/** Every path and its content under the checkout, but the state folder. */
async function listing(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })).filter((n) => !n.startsWith('.slipway')).sort();
  return Promise.all(
    names.map(async (n) => `${n}:${await readFile(join(dir, n), 'utf8').catch(() => '(folder)')}`),
  );
}

test('the artifact has its own production node_modules, and the checkout is left as it was', async (t) => {
  const { dir, paths, cacheDir } = await checkout(t);
  const before = await listing(dir);
  const out: string[] = [];
  const built = await buildArtifact({
    serviceDir: dir,
    artifact: { path: '.' },
    paths,
    cacheDir,
    onOutput: (c) => out.push(c),
  });
  assert.equal(built.source, 'npm pack');
  assert.equal(built.dependencies?.reused, false);
  assert.match(out.join(''), /installing production dependencies \(npm [\d.]+\): npm ci --omit=dev/);
  assert.deepEqual(await listing(dir), before, 'nothing in the checkout changed (devDependencies included)');
  const top = await readdir(built.folder);
  assert.ok(!top.includes('slipway.yaml'), 'Slipway config is not part of the artifact');
  assert.ok(top.includes('node_modules') && top.includes('server.js'));
  assert.deepEqual(
    (await readdir(join(built.folder, 'node_modules'))).filter((n) => !n.startsWith('.')),
    ['greet'],
  );

  // Resolution from inside the artifact: its own greet, and no devtool from the checkout above.
  const resolve = (name: string) =>
    execFileSync(
      process.execPath,
      [
        '-e',
        `try { console.log(require.resolve(${JSON.stringify(name)})) } catch (e) { console.log(e.code) }`,
      ],
      {
        cwd: built.folder,
        encoding: 'utf8',
      },
    ).trim();
  assert.ok(resolve('greet').startsWith(join(cacheDir, 'stores')), resolve('greet'));
  assert.equal(resolve('devtool'), 'MODULE_NOT_FOUND');
  assert.equal(
    execFileSync(process.execPath, ['server.js'], { cwd: built.folder, encoding: 'utf8' }).trim(),
    'hello',
  );
});

test('a code-only change reuses the installed dependencies; editing slipway.yaml keeps the digest', async (t) => {
  const { dir, paths, cacheDir } = await checkout(t);
  const first = await buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir });
  await writeFile(join(dir, 'slipway.yaml'), 'service: app\nreplicas: 3\n');
  const same = await buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir });
  assert.equal(same.digest, first.digest);
  assert.equal(same.created, false);

  await writeFile(join(dir, 'server.js'), 'console.log(require("greet")() + "!");\n');
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ ...pkg, scripts: { start: 'node .' } }));
  const changed = await buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir });
  assert.notEqual(changed.digest, first.digest);
  assert.equal(changed.dependencies?.reused, true, 'scripts are not an install input');
  assert.equal(changed.dependencies?.key, first.dependencies?.key);
  assert.deepEqual((await readdir(join(cacheDir, 'deps'))).length, 1);
});

test('a changed lockfile installs again; a missing lockfile is an error naming the fix', async (t) => {
  const { dir, paths, cacheDir } = await checkout(t);
  const first = await buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir });
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
  pkg.dependencies.extra = await tarball(join(dir, 'vendor'), 'extra', 'module.exports = 1;');
  await writeFile(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  npm(dir, 'install');
  const second = await buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir });
  assert.equal(second.dependencies?.reused, false);
  assert.notEqual(second.dependencies?.key, first.dependencies?.key);
  assert.deepEqual(
    (await readdir(join(second.folder, 'node_modules'))).filter((n) => !n.startsWith('.')),
    ['extra', 'greet'],
  );

  await rm(join(dir, 'package-lock.json'));
  await assert.rejects(
    buildArtifact({ serviceDir: dir, artifact: { path: '.' }, paths, cacheDir }),
    (err: Error) => {
      assert.match(
        err.message,
        /no lockfile beside .*package\.json: .*run `npm install` and commit the lockfile/,
      );
      return true;
    },
  );
});

test('in a git work tree the files git would ship are packed: ignored and Slipway files are not', async (t) => {
  const { dir, paths, cacheDir } = await checkout(t);
  await writeFile(join(dir, '.gitignore'), 'node_modules\nlocal.log\n');
  await writeFile(join(dir, 'local.log'), 'noise');
  await writeFile(join(dir, 'slipway.staging.yaml'), 'x: 1\n');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  const out: string[] = [];
  const built = await buildArtifact({
    serviceDir: dir,
    artifact: {
      path: '.',
      build:
        "npm ci --omit=dev --no-audit --no-fund && node -e \"require('fs').writeFileSync('built.txt', require('devtool'))\"",
    },
    paths,
    cacheDir,
    onOutput: (c) => out.push(c),
  });
  assert.equal(built.source, 'git');
  assert.match(out.join(''), /skipped `npm ci --omit=dev --no-audit --no-fund` of artifact.local.build/);
  const top = (await readdir(built.folder)).sort();
  assert.deepEqual(top, [
    '.gitignore',
    'built.txt',
    'node_modules',
    'package-lock.json',
    'package.json',
    'server.js',
    'vendor',
  ]);
  assert.equal(
    await readFile(join(built.folder, 'built.txt'), 'utf8'),
    'dev',
    'the build sees the devDependencies',
  );
  await assert.rejects(
    readFile(join(dir, 'built.txt')),
    /ENOENT/,
    'the build wrote into the staging copy only',
  );
});
