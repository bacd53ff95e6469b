/** Local artifacts: deterministic content digests, an immutable store, builds that fail clearly. */
import assert from 'node:assert/strict';
import { access, chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  ArtifactFolderError,
  BuildFailedError,
  buildArtifact,
  digestFolder,
  packFolder,
} from '../../../src/targets/local/artifacts/index.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { tempDir } from './helpers.ts';

async function service(t: import('node:test').TestContext) {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'dist', 'lib'), { recursive: true });
  await writeFile(join(dir, 'dist', 'server.cjs'), 'console.log("hi")\n');
  await writeFile(join(dir, 'dist', 'lib', 'a.txt'), 'a');
  return dir;
}

test('the digest depends on paths and contents only, and ignores .git, .slipway and node_modules', async (t) => {
  const dir = await service(t);
  const first = await digestFolder(join(dir, 'dist'));
  assert.match(first, /^sha256:[0-9a-f]{64}$/);
  for (const skip of ['.git', '.slipway', 'node_modules']) {
    await mkdir(join(dir, 'dist', skip), { recursive: true });
    await writeFile(join(dir, 'dist', skip, 'x'), 'noise');
  }
  assert.equal(await digestFolder(join(dir, 'dist')), first);
  await writeFile(join(dir, 'dist', 'lib', 'a.txt'), 'b');
  assert.notEqual(await digestFolder(join(dir, 'dist')), first);
});

test('packing copies into a read-only folder named by the digest, and reuses it', async (t) => {
  const dir = await service(t);
  const paths = new StatePaths(join(dir, '.slipway'));
  const a = await packFolder(join(dir, 'dist'), paths);
  assert.equal(a.created, true);
  assert.equal(a.folder, join(paths.artifacts, a.digest.replace(':', '-')));
  assert.deepEqual((await readdir(a.folder)).sort(), ['lib', 'server.cjs']);
  assert.equal((await stat(join(a.folder, 'server.cjs'))).mode & 0o777, 0o444);
  assert.equal((await stat(a.folder)).mode & 0o777, 0o555);
  const b = await packFolder(join(dir, 'dist'), paths);
  assert.deepEqual(b, { ...a, created: false });
  assert.deepEqual(await readdir(paths.artifacts), [a.folder.split('/').at(-1)]);
});

test('the build runs in the service folder before packing', async (t) => {
  const dir = await tempDir(t);
  const paths = new StatePaths(join(dir, '.slipway'));
  const out = await buildArtifact({
    serviceDir: dir,
    artifact: {
      build: "mkdir -p out && node -e \"require('fs').writeFileSync('out/v.txt', process.version)\"",
      path: 'out',
    },
    paths,
  });
  await access(join(out.folder, 'v.txt'));
});

test('a failing build reports its exit code and the tail of its output', async (t) => {
  const dir = await tempDir(t);
  const paths = new StatePaths(join(dir, '.slipway'));
  const build = 'for i in $(seq 1 30); do echo line $i; done; echo "error: missing module" >&2; exit 7';
  await assert.rejects(
    buildArtifact({ serviceDir: dir, artifact: { build, path: '.' }, paths }),
    (err: unknown) => {
      assert.ok(err instanceof BuildFailedError);
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /exited with code 7/);
      assert.match(err.message, /line 30\n {2}error: missing module/);
      assert.doesNotMatch(err.message, /line 5\n/);
      return true;
    },
  );
});

test('a missing build folder is a clear error naming the folder and the key', async (t) => {
  const dir = await tempDir(t);
  const paths = new StatePaths(join(dir, '.slipway'));
  await assert.rejects(
    buildArtifact({ serviceDir: dir, artifact: { path: 'dist' }, paths }),
    (err: unknown) => {
      assert.ok(err instanceof ArtifactFolderError);
      assert.match(
        err.message,
        new RegExp(`artifact folder ${join(dir, 'dist')} does not exist: check artifact.local.path`),
      );
      return true;
    },
  );
});

test('the executable bit is part of the digest', async (t) => {
  const dir = await service(t);
  const before = await digestFolder(join(dir, 'dist'));
  await chmod(join(dir, 'dist', 'server.cjs'), 0o755);
  assert.notEqual(await digestFolder(join(dir, 'dist')), before);
});
