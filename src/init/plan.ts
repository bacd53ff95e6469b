/**
 * `slipway init` as data: the files it would write and how each compares with what is on disk
 * (new, unchanged, or different with a unified diff), then an executor that writes only new files,
 * and changed ones only with `force`. Nothing existing is overwritten silently.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { detectProject, type ProjectFacts } from './detect.ts';
import { renderDockerfile, renderDockerignore } from './dockerfile.ts';
import { githubRepository, renderSlipwayYaml, type YamlOptions } from './slipway-yaml.ts';
import { MARKER, renderWorkflows } from './workflows.ts';

/** `append`: the file exists and only gains lines (`.slipway/` in .gitignore): safe, written without --force. */
export type FileStatus = 'create' | 'unchanged' | 'differs' | 'append';

export interface PlannedFile {
  /** Relative to the project root, with forward slashes. */
  path: string;
  content: string;
  status: FileStatus;
  /** Unified diff from the file on disk to `content` (status `differs` only). */
  diff?: string;
}

export interface InitPlan {
  facts: ProjectFacts;
  files: PlannedFile[];
}

const WAIVERS = `${MARKER}: accepted findings, each with a reason. image.yml's Trivy scan skips the ids listed
# under trivy (CVE ids); add \`expires: YYYY-MM-DD\` so each waiver comes back for review.
trivy: []
`;

/**
 * The state folder holds the daemon token, the ledger, logs and the local secrets file: never in
 * git, never in an image. Existing ignore files gain the line (once); a .gitignore is created
 * with it. (An existing .dockerignore that has the line is compared whole with ours and shown as
 * a diff when it differs, like every other file; a .gitignore that has it is left alone.)
 */
const STATE_LINE = '.slipway/';
const GITIGNORE = `# Slipway's local state (daemon token, ledger, logs, secrets.<env>.env): never committed.\n${STATE_LINE}\n`;
const IGNORE_FILES = new Set(['.gitignore', '.dockerignore']);

function withStateFolder(current: string): string {
  if (/^\/?\.slipway\/?\s*$/m.test(current)) return current;
  return `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${STATE_LINE}\n`;
}

export function planInit(dir: string, options: YamlOptions = {}): InitPlan {
  const facts = detectProject(dir);
  const wanted = new Map<string, string>([
    ['slipway.yaml', renderSlipwayYaml(facts, githubRepository(dir), options)],
    ['Dockerfile', renderDockerfile(facts)],
    ['.dockerignore', renderDockerignore()],
    ['.gitignore', GITIGNORE],
    ['security/waivers.yaml', WAIVERS],
    ...renderWorkflows(facts),
  ]);
  const files = [...wanted].map(([path, content]): PlannedFile => {
    const abs = join(dir, path);
    if (!existsSync(abs)) return { path, content, status: 'create' };
    const current = readFileSync(abs, 'utf8');
    if (current === content) return { path, content, status: 'unchanged' };
    const appended = IGNORE_FILES.has(path) ? withStateFolder(current) : current;
    // A .gitignore is the project's own: with the line, there is nothing to say about the rest.
    if (path === '.gitignore' && appended === current) return { path, content: current, status: 'unchanged' };
    if (appended !== current) {
      return {
        path,
        content: appended,
        status: 'append',
        diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, current, appended),
      };
    }
    return {
      path,
      content,
      status: 'differs',
      diff: createTwoFilesPatch(`a/${path}`, `b/${path}`, current, content),
    };
  });
  return { facts, files };
}

export interface ApplyResult {
  written: string[];
  /** Files that differ and were left alone (no `force`). */
  kept: string[];
}

export function applyPlan(
  dir: string,
  plan: InitPlan,
  options: { force: boolean; dryRun: boolean },
): ApplyResult {
  const written: string[] = [];
  const kept: string[] = [];
  for (const file of plan.files) {
    if (file.status === 'unchanged') continue;
    if (file.status === 'differs' && !options.force) {
      kept.push(file.path);
      continue;
    }
    if (!options.dryRun) {
      const abs = join(dir, file.path);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, file.content);
    }
    written.push(file.path);
  }
  return { written, kept };
}
