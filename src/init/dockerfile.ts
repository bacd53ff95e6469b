/**
 * The Dockerfile and .dockerignore `slipway init` writes: the same shape as this repository's
 * examples/hello/Dockerfile (multi-stage, base pinned by digest, production dependencies only,
 * tini as PID 1, numeric non-root user, read-only root filesystem, exec-form commands, health
 * check), adapted to the project's package manager, build step and entry point.
 */
import { type InstallCommands, installCommands } from '../package-manager/commands.ts';
import type { ProjectFacts } from './detect.ts';

/**
 * node:24-bookworm-slim (Node 24.18.0), pinned by digest. Kept equal to the FROM lines of
 * examples/hello/Dockerfile by a test, so Dependabot's bump there is carried here.
 */
export const NODE_IMAGE =
  'node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d';
/** Debian bookworm's tini package version (apt pin required by hadolint DL3008). */
export const TINI_VERSION = '0.19.0-1+b3';

/**
 * The install commands of the local artifact build (src/package-manager), so the image and the
 * local artifact install the same production dependencies the same way; Corepack provides Yarn
 * and pnpm in the image, npm's cache is dropped from the layer.
 */
function commands(facts: ProjectFacts): InstallCommands {
  const c = installCommands(facts.manager);
  if (facts.manager.name === 'npm') {
    const clean = ' && npm cache clean --force';
    return { ...c, prodInstall: c.prodInstall + clean, pruneToProd: c.pruneToProd + clean };
  }
  return {
    ...c,
    prodInstall: `corepack enable && ${c.prodInstall}`,
    fullInstall: `corepack enable && ${c.fullInstall}`,
  };
}

export function renderDockerfile(facts: ProjectFacts): string {
  const cmd = commands(facts);
  const manifests = ['package.json', ...(facts.lockfile ? [facts.lockfile] : [])].join(' ');
  const lines = [
    `# Container image for ${facts.name}, written by \`slipway init\`. Build: docker build -t ${facts.name} .`,
    '# Runs with a read-only root filesystem (only /tmp writable: readOnlyRootFilesystem plus an',
    `# emptyDir at /tmp on Kubernetes). Probes: GET ${facts.healthPath} on port ${facts.port}.`,
    '# No build argument or ENV carries a secret; .dockerignore keeps .env files and .git out of the context.',
    '',
    `# ${NODE_IMAGE.split('@')[0]}, pinned by digest; Dependabot bumps the digest.`,
  ];
  if (facts.scripts.build) {
    lines.push(
      `FROM ${NODE_IMAGE} AS build`,
      'WORKDIR /app',
      `COPY ${manifests} ./`,
      `RUN ${cmd.fullInstall}`,
      'COPY . .',
      '# Build with every dependency, then keep only the production ones for the runtime stage.',
      `RUN ${cmd.build} \\`,
      `  && ${cmd.pruneToProd}`,
    );
  } else {
    lines.push(
      `FROM ${NODE_IMAGE} AS deps`,
      'WORKDIR /app',
      `COPY ${manifests} ./`,
      '# Production dependencies only, exactly as locked.',
      `RUN ${cmd.prodInstall}`,
    );
  }
  lines.push(
    '',
    `FROM ${NODE_IMAGE} AS runtime`,
    '# tini is PID 1: it forwards SIGTERM to Node and reaps zombies. The package managers are removed:',
    '# the service never runs them, and their bundled dependencies only add scan findings.',
    'RUN apt-get update \\',
    `  && apt-get install -y --no-install-recommends tini=${TINI_VERSION} \\`,
    '  && rm -rf /var/lib/apt/lists/* \\',
    '    /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \\',
    '    /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /opt/yarn-* \\',
    '    /usr/local/bin/yarn /usr/local/bin/yarnpkg',
    'ENV NODE_ENV=production \\',
    `  PORT=${facts.port}`,
    'WORKDIR /app',
    '# Code and dependencies stay owned by root and read-only for the service user.',
    ...(facts.scripts.build
      ? ['COPY --from=build /app ./']
      : ['COPY --from=deps /app/node_modules ./node_modules', 'COPY . .']),
    '# A numeric UID/GID above 10000 with no account in the image: it owns nothing (code and',
    "# dependencies are root's, read-only), matches no host user, and lets Kubernetes check runAsNonRoot.",
    'USER 10001:10001',
    `EXPOSE ${facts.port}`,
    'HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \\',
    `  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PORT + '${facts.healthPath}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]`,
    'ENTRYPOINT ["/usr/bin/tini", "--"]',
    `CMD ["node", "${facts.entry}"]`,
    '',
  );
  return lines.join('\n');
}

export function renderDockerignore(): string {
  return [
    '# Written by `slipway init`: what never belongs in the image or the build context.',
    '.git',
    '.github',
    'node_modules',
    'npm-debug.log*',
    'coverage',
    '.nyc_output',
    '.env',
    '.env.*',
    '*.pem',
    '*.key',
    'Dockerfile',
    '.dockerignore',
    '# Slipway: its state folder (daemon token, ledger, logs, local secrets) and its own config;',
    '# the local artifact leaves out the same files, so both package what the app runs.',
    '.slipway',
    'slipway.yaml',
    'slipway.*.yaml',
    'test',
    'tests',
    '**/*.test.*',
    '',
  ].join('\n');
}
