/**
 * The GitHub files `slipway init` writes. The delivery workflows are this repository's own
 * (.github/workflows/{image,deploy,cd,rollback}.yml, the two local actions, dependabot.yml), with
 * the example-specific parts replaced, so the templates are exactly what Slipway's own pipeline
 * runs and its action pins follow Dependabot's bumps. Each replacement must match: a template
 * that drifted fails loudly (and test/init catches it first). ci.yml is generated for the project.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installCommands } from '../package-manager/commands.ts';
import type { Flavour } from '../package-manager/detect.ts';
import type { ProjectFacts } from './detect.ts';

/** Slipway's own .github folder: next to src/ in a checkout, next to dist/ in the package. */
const GITHUB_DIR = new URL('../../.github/', import.meta.url);

type Replacement = [from: string, to: string];

/** CI installs everything (tests need the dev tools), with the command of the project's manager. */
function install(facts: ProjectFacts): string {
  const full = installCommands(facts.manager).fullInstall;
  return facts.manager.name === 'npm' ? full : `corepack enable && ${full}`;
}

const AUDIT: Record<Flavour, string[]> = {
  npm: ['npm audit --audit-level=high', 'npm audit signatures'],
  pnpm: ['pnpm audit --audit-level high'],
  'yarn-classic': ['yarn audit --level high'],
  'yarn-berry': ['yarn npm audit --all --recursive --severity high'],
};

function template(path: string): string {
  return readFileSync(new URL(path, GITHUB_DIR), 'utf8');
}

export function substitute(path: string, text: string, replacements: Replacement[]): string {
  let out = text;
  for (const [from, to] of replacements) {
    if (!out.includes(from))
      throw new Error(`slipway init template .github/${path} no longer contains ${JSON.stringify(from)}`);
    out = out.replaceAll(from, to);
  }
  return out;
}

/** `uses: owner/repo@sha # vX` lines of the template, by action name. */
function pins(): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of template('workflows/ci.yml').matchAll(/uses: ([\w./-]+)@([0-9a-f]{40} # v[\d.]+)/g)) {
    found.set(m[1]!, `${m[1]}@${m[2]}`);
  }
  return found;
}

/** Relative path (from the project root) → content. */
export function renderWorkflows(facts: ProjectFacts): Map<string, string> {
  const name = facts.name;
  const description = (facts.description || `${name}, deployed by Slipway`)
    .replace(/[^\w .,()-]/g, '')
    .slice(0, 120);
  const noWorkdir: Replacement = ['        working-directory: examples/hello\n', ''];
  const files = new Map<string, string>();
  const add = (path: string, replacements: Replacement[]) =>
    files.set(`.github/${path}`, substitute(path, template(path), replacements));

  add('workflows/image.yml', [
    [
      '    paths:\n      - examples/hello/**\n      - package.json\n      - package-lock.json\n      - .dockerignore\n      - .github/workflows/image.yml\n',
      '',
    ],
    ["# Builds the example service's image", "# Builds the service's image"],
    ['ghcr.io/owner/repo/hello', `ghcr.io/owner/repo/${name}`],
    [`ghcr="ghcr.io/\${GITHUB_REPOSITORY,,}/hello"`, `ghcr="ghcr.io/\${GITHUB_REPOSITORY,,}/${name}"`],
    ['file: examples/hello/Dockerfile', 'file: Dockerfile'],
    ['org.opencontainers.image.title=hello', `org.opencontainers.image.title=${name}`],
    [
      'org.opencontainers.image.description=Example service deployed by Slipway',
      `org.opencontainers.image.description=${description}`,
    ],
  ]);
  add('workflows/deploy.yml', [
    ['ghcr.io/<owner>/<repo>/hello', `ghcr.io/<owner>/<repo>/${name}`],
    [`ghcr.io/\${GITHUB_REPOSITORY,,}/hello}`, `ghcr.io/\${GITHUB_REPOSITORY,,}/${name}}`],
    noWorkdir,
  ]);
  add('workflows/cd.yml', []);
  add('workflows/rollback.yml', [noWorkdir]);
  add('actions/setup-slipway/action.yml', [['run: npm ci --no-audit --no-fund', `run: ${install(facts)}`]]);
  add('actions/cluster-access/action.yml', []);
  add('dependabot.yml', [['    directory: /examples/hello\n', '    directory: /\n']]);
  const ours = new Set([...files.keys()].map((p) => p.replace('.github/workflows/', '')));
  // A project with CI of its own keeps it: no second ci.yml next to it.
  const theirs = facts.existing.workflows.filter(
    (w) => !ours.has(w) && !isGenerated(join(facts.dir, '.github/workflows', w)),
  );
  if (theirs.length === 0) files.set('.github/workflows/ci.yml', renderCi(facts));
  return files;
}

export const MARKER = '# Written by `slipway init`';

function isGenerated(path: string): boolean {
  return readFileSync(path, 'utf8').startsWith(MARKER);
}

/** A CI workflow for a project that has none: install, lint, typecheck, test, audit, CodeQL. */
export function renderCi(facts: ProjectFacts): string {
  const pm = facts.packageManager;
  const pin = pins();
  const use = (action: string) => {
    const ref = pin.get(action);
    if (!ref) throw new Error(`slipway init template .github/workflows/ci.yml has no pinned ${action}`);
    return ref;
  };
  const checkout = [
    `      - uses: ${use('actions/checkout')}`,
    '        with:',
    '          persist-credentials: false',
  ];
  const setup = [
    ...checkout,
    `      - uses: ${use('actions/setup-node')}`,
    '        with:',
    '          node-version: "24"',
    ...(pm === 'npm' ? ['          cache: npm'] : []),
    `      - run: ${install(facts)}`,
  ];
  const run = (script: string) => `      - run: ${pm} run ${script}`;
  const checks = [
    ...(facts.scripts.lint ? [run('lint')] : []),
    ...(facts.scripts.typecheck ? [run('typecheck')] : []),
    ...(facts.scripts.test ? [`      - run: ${pm} test`] : []),
  ];
  return [
    `${MARKER}: checks on every pull request and push to main.`,
    'name: ci',
    '',
    'on:',
    '  pull_request:',
    '  push:',
    '    branches: [main]',
    '',
    'permissions: {}',
    '',
    'jobs:',
    '  test:',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 20',
    '    permissions:',
    '      contents: read',
    '    steps:',
    ...setup,
    ...(checks.length > 0
      ? checks
      : ['      - run: echo "no lint, typecheck or test script in package.json yet"']),
    '',
    '  audit:',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 10',
    '    permissions:',
    '      contents: read',
    '    steps:',
    ...setup,
    ...AUDIT[facts.manager.flavour].map((cmd) => `      - run: ${cmd}`),
    '',
    '  codeql:',
    '    runs-on: ubuntu-24.04',
    '    timeout-minutes: 30',
    '    permissions:',
    '      contents: read',
    '      security-events: write',
    '    steps:',
    ...checkout,
    `      - uses: ${use('github/codeql-action/init')}`,
    '        with:',
    '          languages: javascript-typescript, actions',
    `      - uses: ${use('github/codeql-action/analyze')}`,
    '',
  ].join('\n');
}
