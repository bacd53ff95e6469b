/**
 * Which package manager a Node project uses, and which version, from what the project itself
 * says: the `packageManager` field of package.json first (what Corepack honours), then the
 * lockfile (yarn.lock v1 and Berry differ in their first lines), then `.yarnrc.yml` (Berry only).
 * `slipway init` and the local artifact build read the same answer, so the Dockerfile and the
 * local artifact install dependencies with the same command. Read-only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type ManagerName = 'npm' | 'pnpm' | 'yarn';
/** Yarn 1 ("classic") and Yarn 2+ ("Berry") are different programs with different commands. */
export type Flavour = 'npm' | 'pnpm' | 'yarn-classic' | 'yarn-berry';

export interface PackageManager {
  name: ManagerName;
  flavour: Flavour;
  /** Exact version from `packageManager` (`yarn@4.5.3+sha512…` → `4.5.3`), when declared. */
  version?: string;
  /** The `packageManager` field as written, when present. */
  declared?: string;
  /** Lockfile name beside package.json, when there is one. */
  lockfile?: string;
  /** What the user should know: conflicting hints, a missing lockfile. */
  notes: string[];
}

const LOCKFILES: [string, ManagerName][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** `yarn@4.5.3+sha512.abc` → name and version; anything else → undefined. */
export function parsePackageManagerField(
  field: string | undefined,
): { name: ManagerName; version: string } | undefined {
  const m = /^(npm|pnpm|yarn)@(\d+\.\d+\.\d+[\w.-]*?)(?:\+.*)?$/.exec(field?.trim() ?? '');
  return m ? { name: m[1] as ManagerName, version: m[2] as string } : undefined;
}

/** A Berry lockfile is YAML with a `__metadata:` block; Yarn 1's starts with `# yarn lockfile v1`. */
export function yarnLockFlavour(text: string): 'yarn-classic' | 'yarn-berry' {
  if (/^__metadata:/m.test(text)) return 'yarn-berry';
  return 'yarn-classic';
}

export function detectPackageManager(dir: string): PackageManager {
  const has = (file: string) => existsSync(join(dir, file));
  const notes: string[] = [];
  let field: string | undefined;
  try {
    field = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { packageManager?: unknown })
      .packageManager as string | undefined;
  } catch {
    field = undefined; // the callers report a missing or broken package.json themselves
  }
  const declared = parsePackageManagerField(typeof field === 'string' ? field : undefined);
  if (typeof field === 'string' && !declared) {
    notes.push(
      `package.json "packageManager": ${JSON.stringify(field)} is not <npm|pnpm|yarn>@<x.y.z>: ignored (Corepack needs that form)`,
    );
  }
  const locks = LOCKFILES.filter(([file]) => has(file));
  if (locks.length > 1) {
    notes.push(
      `several lockfiles (${locks.map(([f]) => f).join(', ')}): keep only the one of the package manager you use`,
    );
  }
  const name = declared?.name ?? locks[0]?.[1] ?? (has('.yarnrc.yml') ? 'yarn' : 'npm');
  const lockfile = locks.find(([, m]) => m === name)?.[0];
  if (declared && locks.length > 0 && !lockfile) {
    notes.push(
      `package.json says ${declared.name}@${declared.version} but the lockfile is ${locks[0]?.[0]}: run ${declared.name} install and commit its lockfile`,
    );
  }
  if (locks.length === 0) {
    notes.push(
      `no lockfile: commit one (${name} install) so the image and the local artifact install exactly what you tested`,
    );
  }
  const flavour = ((): Flavour => {
    if (name !== 'yarn') return name;
    if (declared) return Number(declared.version.split('.')[0]) >= 2 ? 'yarn-berry' : 'yarn-classic';
    if (lockfile) return yarnLockFlavour(readFileSync(join(dir, lockfile), 'utf8'));
    return has('.yarnrc.yml') ? 'yarn-berry' : 'yarn-classic';
  })();
  return {
    name,
    flavour,
    ...(declared ? { version: declared.version, declared: field as string } : {}),
    ...(lockfile ? { lockfile } : {}),
    notes,
  };
}
