/**
 * What `slipway init` learns about an existing Node project before writing anything: its package
 * manager, entry point, port, health endpoint, scripts and the files it already has. Read-only.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectPackageManager, type PackageManager as Manager } from '../package-manager/detect.ts';

export type PackageManager = Manager['name'];

export interface ProjectFacts {
  dir: string;
  /** DNS-label form of the package name: the service and image name. */
  name: string;
  description: string;
  packageManager: PackageManager;
  /** What the project says about its package manager: flavour (Yarn 1 or Berry), version, lockfile. */
  manager: Manager;
  /** Lockfile name, or undefined when the project has none (the Dockerfile needs one). */
  lockfile: string | undefined;
  /** File Node runs, relative to the project root (`src/server.ts`, `index.js`). */
  entry: string;
  /** The entry is TypeScript run by Node's type stripping (no build step needed). */
  typescript: boolean;
  port: number;
  /** Where the app listens on a literal port, ignoring PORT (`.listen(3000)`), when it does. */
  hardcodedPort?: { file: string; line: number; port: number };
  healthPath: string;
  /** npm scripts that exist, among those CI runs. */
  scripts: { build: boolean; lint: boolean; typecheck: boolean; test: boolean };
  existing: { dockerfile: boolean; dockerignore: boolean; slipwayYaml: boolean; workflows: string[] };
  /** Things the user should know: guesses made, missing pieces. */
  notes: string[];
}

export class InitError extends Error {
  override name = 'InitError';
}

const ENTRY_CANDIDATES = [
  'src/server.ts',
  'src/index.ts',
  'src/main.ts',
  'src/server.js',
  'src/index.js',
  'server.js',
  'index.js',
  'app.js',
  'src/app.js',
];
const HEALTH_PATHS = ['/healthz', '/health', '/livez', '/readyz', '/ready', '/ping'];

interface PackageJson {
  name?: string;
  description?: string;
  main?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
}

export function detectProject(dir: string): ProjectFacts {
  const pkgPath = join(dir, 'package.json');
  if (!existsSync(pkgPath)) {
    throw new InitError(`no package.json in ${dir}: run slipway init at the root of a Node project`);
  }
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as PackageJson;
  } catch (err) {
    throw new InitError(
      `${pkgPath} is not valid JSON (${(err as Error).message}); fix it and run slipway init again`,
    );
  }
  const notes: string[] = [];
  const has = (file: string) => existsSync(join(dir, file));

  const manager = detectPackageManager(dir);
  const packageManager = manager.name;
  notes.push(...manager.notes);

  const entry = findEntry(pkg, has, 'build' in (pkg.scripts ?? {}));
  if (!entry) {
    throw new InitError(
      `cannot tell how ${dir} starts: set "main" or a "start": "node <file>" script in package.json (looked for ${ENTRY_CANDIDATES.join(', ')})`,
    );
  }
  const files = sourceFiles(dir, has(entry) ? entry : undefined);
  const sources = files.map((f) => f.text);
  const hardcoded = findHardcodedPort(files);
  const port = hardcoded?.port ?? findPort(sources);
  if (port === undefined) notes.push('no port found in the source: assuming 3000 (set port in slipway.yaml)');
  if (hardcoded) {
    notes.push(
      `${hardcoded.file}:${hardcoded.line} listens on ${hardcoded.port} whatever PORT says (\`${hardcoded.code}\`): ` +
        `Slipway gives every instance its own port in PORT, so two instances (2 replicas, or the new revision next to the old one) collide with EADDRINUSE. ` +
        `Fix: \`.listen(process.env.PORT || ${hardcoded.port})\`. Until then slipway.yaml runs 1 replica, and only the first deploy can start`,
    );
  }
  const healthPath = HEALTH_PATHS.find((p) =>
    sources.some((s) => s.includes(`'${p}'`) || s.includes(`"${p}"`)),
  );
  if (!healthPath) {
    const route = /\bfastify\b/i.test(sources.join('\n'))
      ? "app.get('/healthz', async () => 'ok')"
      : "app.get('/healthz', (req, res) => res.send('ok'))";
    notes.push(
      'no health endpoint found: the probes use / — your home page. That is a weak check: it may be slow or render a page ' +
        '(so a busy instance is restarted), and it answers before the app can serve its real work. ' +
        `Add a route that answers fast — \`${route}\` — and set health.*.path to /healthz in slipway.yaml`,
    );
  }

  const scripts = pkg.scripts ?? {};
  if (entry.endsWith('.ts') && !('build' in scripts)) {
    notes.push(
      `${entry} runs with Node 24's type stripping: relative imports need .ts extensions and only erasable syntax`,
    );
  }
  const workflowsDir = join(dir, '.github/workflows');
  const workflows = existsSync(workflowsDir)
    ? readdirSync(workflowsDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];

  return {
    dir,
    name: serviceName(pkg.name, dir),
    description: pkg.description ?? '',
    packageManager,
    manager,
    lockfile: manager.lockfile,
    entry,
    typescript: entry.endsWith('.ts') && !('build' in scripts),
    port: port ?? 3000,
    ...(hardcoded
      ? { hardcodedPort: { file: hardcoded.file, line: hardcoded.line, port: hardcoded.port } }
      : {}),
    healthPath: healthPath ?? '/',
    scripts: {
      build: 'build' in scripts,
      lint: 'lint' in scripts,
      typecheck: 'typecheck' in scripts,
      test: 'test' in scripts && !/no test specified/.test(scripts.test ?? ''),
    },
    existing: {
      dockerfile: has('Dockerfile'),
      dockerignore: has('.dockerignore'),
      slipwayYaml: has('slipway.yaml'),
      workflows,
    },
    notes,
  };
}

/** The start script's file (which a build may still have to produce), `main`, or a usual name. */
function findEntry(pkg: PackageJson, has: (f: string) => boolean, hasBuild: boolean): string | undefined {
  const fromStart = /\bnode\s+(?:--[\w-]+(?:=\S+)?\s+)*([\w./-]+\.[cm]?[jt]s)\b/
    .exec(pkg.scripts?.start ?? '')?.[1]
    ?.replace(/^\.\//, '');
  if (fromStart && hasBuild) return fromStart;
  const candidates = [fromStart, pkg.main, ...ENTRY_CANDIDATES].filter((c): c is string => c !== undefined);
  return candidates.map((c) => c.replace(/^\.\//, '')).find(has);
}

/** The entry file and the other top-level source files next to it (bounded: 50 files). */
function sourceFiles(dir: string, entry: string | undefined): { file: string; text: string }[] {
  const files = new Set(entry ? [entry] : []);
  for (const folder of ['.', 'src', 'lib', 'routes', 'bin']) {
    const abs = join(dir, folder);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)) if (/\.[cm]?[jt]s$/.test(f)) files.add(join(folder, f));
  }
  return [...files].slice(0, 50).map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

/**
 * `.listen(3000` or `listen({ port: 3000` with a literal, in a project that never reads PORT.
 * (An app that reads `process.env.PORT` anywhere is taken to honour it.)
 */
function findHardcodedPort(
  files: { file: string; text: string }[],
): { file: string; line: number; port: number; code: string } | undefined {
  if (files.some((f) => /\benv\s*(?:\.\s*PORT|\[\s*['"]PORT['"]\s*\])|['"]PORT['"]/.test(f.text)))
    return undefined;
  for (const { file, text } of files) {
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      const m = /\.listen\(\s*(?:\{\s*port\s*:\s*)?(\d{2,5})\b/.exec(line);
      if (m) return { file, line: i + 1, port: Number(m[1]), code: line.trim().slice(0, 80) };
    }
  }
  return undefined;
}

/** `PORT ?? 3000`, `PORT || '8080'`, `integer('PORT', 3000`, `.listen(8080`, `port: 3000`. */
function findPort(sources: string[]): number | undefined {
  const patterns = [
    /PORT\W{0,4}(?:\?\?|\|\|)\s*['"]?(\d{2,5})/,
    /['"]PORT['"]\s*,\s*['"]?(\d{2,5})/,
    /\.listen\(\s*(\d{2,5})/,
    /\bport\s*:\s*(\d{2,5})\b/,
  ];
  for (const pattern of patterns) {
    for (const text of sources) {
      const port = Number(pattern.exec(text)?.[1]);
      if (port > 0 && port < 65536) return port;
    }
  }
  return undefined;
}

function serviceName(pkgName: string | undefined, dir: string): string {
  const raw = (pkgName ?? dir.split(/[\\/]/).filter(Boolean).at(-1) ?? 'app').replace(/^@[^/]+\//, '');
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return /^[a-z]/.test(name) ? name : `app-${name || 'service'}`;
}
