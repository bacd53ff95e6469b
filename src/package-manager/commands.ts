/**
 * The install commands of each package manager, as data: one table read by the local artifact
 * build (production install into the dependency cache) and by the Dockerfile `slipway init`
 * writes, so both install the same dependencies the same way.
 *
 * - npm: `npm ci` needs the lockfile; without one only `npm install` works (not reproducible).
 * - Yarn 1: `--frozen-lockfile --production`; `yarn workspaces focus` does not exist there.
 * - Yarn Berry: `yarn workspaces focus --all --production` is built in from Yarn 4; on 2 and 3 it
 *   needs the workspace-tools plugin (`yarn plugin import workspace-tools`) unless .yarnrc.yml
 *   already lists it. `YARN_NODE_LINKER=node-modules` because a Plug'n'Play install has no
 *   node_modules and `node app.js` cannot start from it without `-r ./.pnp.cjs`.
 * - pnpm: `--frozen-lockfile --prod`.
 */
import type { PackageManager } from './detect.ts';

export interface InstallCommands {
  /** Production dependencies only, exactly as locked, into an empty folder. */
  prodInstall: string;
  /** Every dependency (a build step needs the dev tools), exactly as locked. */
  fullInstall: string;
  /** After a full install and a build: remove what is not a production dependency. */
  pruneToProd: string;
  /** Runs the package.json `build` script. */
  build: string;
}

/** Options that only matter for Berry: the .yarnrc.yml text (plugins already imported). */
export interface CommandContext {
  yarnrc?: string;
}

export function installCommands(pm: PackageManager, ctx: CommandContext = {}): InstallCommands {
  switch (pm.flavour) {
    case 'pnpm':
      return {
        prodInstall: 'pnpm install --frozen-lockfile --prod',
        fullInstall: 'pnpm install --frozen-lockfile',
        pruneToProd: 'pnpm prune --prod',
        build: 'pnpm run build',
      };
    case 'yarn-classic':
      return {
        prodInstall: 'yarn install --frozen-lockfile --production --non-interactive',
        fullInstall: 'yarn install --frozen-lockfile --non-interactive',
        // Yarn 1 removes what is not production when installing again with --production.
        pruneToProd: 'yarn install --frozen-lockfile --production --non-interactive --ignore-scripts',
        build: 'yarn run build',
      };
    case 'yarn-berry': {
      const major = Number(pm.version?.split('.')[0] ?? 4);
      const plugin =
        major < 4 && !/plugin-workspace-tools/.test(ctx.yarnrc ?? '')
          ? 'yarn plugin import workspace-tools && '
          : '';
      const focus = `${plugin}YARN_NODE_LINKER=node-modules yarn workspaces focus --all --production`;
      return {
        prodInstall: focus,
        fullInstall: 'YARN_NODE_LINKER=node-modules yarn install --immutable',
        pruneToProd: `rm -rf node_modules && ${focus}`,
        build: 'yarn run build',
      };
    }
    default:
      return pm.lockfile
        ? {
            prodInstall: 'npm ci --omit=dev --no-audit --no-fund',
            fullInstall: 'npm ci --no-audit --no-fund',
            pruneToProd: 'npm prune --omit=dev',
            build: 'npm run build',
          }
        : {
            prodInstall: 'npm install --omit=dev --no-audit --no-fund',
            fullInstall: 'npm install --no-audit --no-fund',
            pruneToProd: 'npm prune --omit=dev',
            build: 'npm run build',
          };
  }
}

/**
 * The package.json fields an install reads. The dependency cache key and the package.json written
 * into the install folder keep only these, so editing `scripts` or `main` reuses the install.
 * (`name` and `version` stay: Berry's and npm's lockfiles name the root package.)
 */
export const INSTALL_FIELDS = [
  'name',
  'version',
  'type',
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'bundleDependencies',
  'bundledDependencies',
  'overrides',
  'resolutions',
  'pnpm',
  'packageManager',
  'workspaces',
  'engines',
];

/** Files beside package.json that change what an install produces (the dependency cache key). */
export const INSTALL_INPUTS = [
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
];
/** Folders that change an install too: Berry's pinned release and plugins, patch files. */
export const INSTALL_INPUT_FOLDERS = ['.yarn/releases', '.yarn/plugins', '.yarn/patches', 'patches'];
