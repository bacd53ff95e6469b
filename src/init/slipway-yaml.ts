/**
 * The slipway.yaml `slipway init` writes: a local development environment and Kubernetes staging
 * and production environments, with the project's port, health path and start command. The image
 * repository is where the generated image.yml pushes (ghcr.io/<owner>/<repo>/<name>).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectFacts } from './detect.ts';

/** `owner/repo` of the `origin` remote when it is on GitHub, lower-cased for GHCR. */
export function githubRepository(dir: string): string | undefined {
  const config = join(dir, '.git/config');
  if (!existsSync(config)) return undefined;
  const origin = /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(readFileSync(config, 'utf8'))?.[1];
  return /github\.com[:/]([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(origin ?? '')?.[1]?.toLowerCase();
}

export interface YamlOptions {
  /** The development environment's local port (`slipway init --proxy-port`). */
  proxyPort?: number;
}

/** The development environment's port when not given: 8700, unless the app itself uses it. */
export function defaultProxyPort(facts: ProjectFacts): number {
  return facts.port === 8700 ? 8701 : 8700;
}

export function renderSlipwayYaml(
  facts: ProjectFacts,
  repository: string | undefined,
  options: YamlOptions = {},
): string {
  const image = `ghcr.io/${repository ?? `your-org/${facts.name}`}/${facts.name}`;
  const health = facts.healthPath;
  // The local build installs the production dependencies from the lockfile itself (into the
  // artifact, never into the checkout); only the app's own build step is configured here.
  const build = facts.scripts.build ? `\n    build: ${facts.packageManager} run build` : '';
  return `# Written by \`slipway init\` for ${facts.name}. Everything at the top level is the base; each
# environment overlays it. Check it with \`npx slipway validate\`.

service: ${facts.name}

artifact:
  image: ${image} # kubernetes: the digest is chosen at deploy time${repository ? '' : ' (set your GitHub owner/repo)'}
  local:${build}
    path: .
    start: node ${facts.entry}

port: ${facts.port}
portEnv: PORT

${healthComment(facts)}health:
  startup: { path: ${health}, period: 500ms, timeout: 500ms, failureThreshold: 60 }
  readiness: { path: ${health}, period: 1s, timeout: 500ms, failureThreshold: 2 }
  liveness: { path: ${health}, period: 5s, timeout: 1s, failureThreshold: 3 }

${replicas(facts)}

resources:
  requests: { cpu: 100m, memory: 128Mi }
  limits: { cpu: 500m, memory: 256Mi }

strategy:
  canary:
    steps:
      - setWeight: 10
      - analysis: { maxDuration: 2m }
      - setWeight: 50
      - analysis: { maxDuration: 2m }

analysis:
  maxErrorRate: 0.02
  latency: { maxMs: 500 }
  failureBudget: 20
  minSample: 100
  alpha: 0.01
  noData: inconclusive

progressDeadline: 5m

environments:
  development:
    target: local
    proxy:
      port: ${options.proxyPort ?? defaultProxyPort(facts)} # the stable local address; revisions get their own ports
    # A rehearsal on this machine usually has no traffic: one short canary step, and a candidate that
    # received no request passes when its 15s are over (noData: pass) instead of being rolled back.
    # Requests sent to the port above are judged as in production; a handful is too little evidence
    # to pass, and the step then rolls back at its deadline. Staging and production keep the canary
    # above, where no traffic means no promotion.
    strategy:
      canary:
        steps:
          - setWeight: 50
          - analysis: { maxDuration: 15s }
    analysis:
      noData: pass
  staging:
    target: kubernetes
    kubernetes:
      namespace: ${facts.name}-staging
  production:
    target: kubernetes
    replicas: 3
    kubernetes:
      namespace: ${facts.name}-production
`;
}

/** 2 replicas, or 1 with the reason when the app hard-codes its port (two would collide). */
function replicas(facts: ProjectFacts): string {
  const hard = facts.hardcodedPort;
  if (!hard) return 'replicas: 2';
  return [
    `# ${hard.file}:${hard.line} listens on ${hard.port} whatever PORT says, so a second instance fails with`,
    '# EADDRINUSE: 1 replica, and the first deploy only (the next one starts beside it). The fix, then 2:',
    `#   .listen(process.env.PORT || ${hard.port})`,
    'replicas: 1',
  ].join('\n');
}

function healthComment(facts: ProjectFacts): string {
  if (facts.healthPath !== '/') return '';
  return [
    '# The probes check / (no health route was found): a weak check, since the home page can be slow and',
    "# answers before the app is ready. Add one, e.g. app.get('/healthz', (req, res) => res.send('ok')),",
    '# and use its path below.',
    '',
  ].join('\n');
}
