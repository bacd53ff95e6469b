/**
 * The package exactly as `npm publish` would ship it: `npm pack` of this checkout's working tree
 * (git's tracked and untracked, not ignored files), run in a staging copy so the build (`prepare`)
 * never touches the checkout's own dist/ while other tests read it. Packed once per content: the
 * tarball is cached by a hash of the staged files, and concurrent test files wait for one packer.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What the package and its build are made of (paths from the repository root). */
const INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'bin/',
  'src/',
  'schema/',
  '.github/',
  'scripts/build.ts',
  'scripts/runtime-files.ts',
];

function stagedFiles(): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...INPUTS],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  return [...new Set(listed.split('\0').filter((f) => f && existsSync(join(ROOT, f))))].sort();
}

function contentKey(files: string[]): string {
  const hash = createHash('sha256');
  for (const f of files)
    hash
      .update(f)
      .update('\0')
      .update(readFileSync(join(ROOT, f)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Packed {
  /** Absolute path of the .tgz. */
  tarball: string;
  /** Paths inside it, without the leading `package/`. */
  entries: string[];
  /** Seconds spent packing (0 when it came from the cache). */
  seconds: number;
}

/** Packs the checkout (or returns the tarball packed earlier from the same content). */
export async function packedTarball(): Promise<Packed> {
  const files = stagedFiles();
  const home = join(tmpdir(), `slipway-package-${contentKey(files)}`);
  const lock = `${home}.lock`;
  const started = Date.now();
  for (;;) {
    if (existsSync(join(home, 'done'))) break;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is packing the same content; a lock older than 10 minutes is a dead packer's.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      pack(files, home);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  const tgz = readdirSync(home).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`no tarball in ${home}`);
  const tarball = join(home, tgz);
  const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((e) => e.replace(/^package\//, ''));
  return { tarball, entries, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

function pack(files: string[], home: string): void {
  const work = `${home}.work`;
  rmSync(work, { recursive: true, force: true });
  const stage = join(work, 'slipway');
  for (const f of files) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    cpSync(join(ROOT, f), join(stage, f));
  }
  // The build's tools (tsc, esbuild) and Node 24 come from the checkout's install.
  symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'));
  const out = join(work, 'out');
  mkdirSync(out);
  execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
    cwd: stage,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}` },
    timeout: 600_000,
  });
  mkdirSync(join(out, 'done'));
  rmSync(home, { recursive: true, force: true });
  renameSync(out, home);
  rmSync(work, { recursive: true, force: true });
}
