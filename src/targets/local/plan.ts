/**
 * `slipway plan` on a local environment: what `slipway deploy` would do, worked out without doing
 * any of it — no daemon is started, no build or install runs, nothing is written to the state
 * folder or the dependency cache. It answers:
 *
 * - the artifact: its digest when it can be known without running anything (no build command and
 *   the production dependencies already in the cache), and whether the store has it already (then
 *   the deploy reuses it); otherwise what the deploy would run to make it;
 * - the live revision: from the daemon when one runs (it is asked, never started);
 * - the strategy's steps, with weights and durations, as the engine would run them.
 *
 * The staging copy (a temp folder outside the checkout) is the one the deploy would pack, so the
 * digest is the one the deploy prints.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../../config/index.ts';
import { releaseModel } from '../../config/index.ts';
import type { BlueGreenStrategy, NoDataPolicy, Strategy } from '../../core/spec.ts';
import { defaultCacheDir, planDependencies } from './artifacts/dependencies.ts';
import { digestFolder } from './artifacts/pack.ts';
import { shippedFiles, stage } from './artifacts/stage.ts';
import { DaemonClient } from './daemon/client.ts';
import type { EnvironmentStatus } from './daemon/protocol/answers.ts';
import { StatePaths } from './state/paths.ts';

export interface LocalPlan {
  environment: string;
  stateDir: string;
  proxyPort: number;
  artifact: {
    files: number;
    /** Known only without a build command and with the dependencies in the cache. */
    digest?: string;
    /** The store holds this digest already: the deploy reuses it. */
    inStore?: boolean;
    /** What the deploy would run first to make the artifact. */
    build?: string;
    dependencies?: { manager: string; command: string; cached: boolean; key: string };
  };
  live:
    | { daemon: 'not running' }
    | { daemon: 'running'; stable?: number; weights: Record<string, number>; revisions: number[] };
  strategy: Strategy['kind'];
  steps: string[];
  replicas: number;
  progressDeadlineMs: number;
}

export async function planLocal(
  resolved: ResolvedConfig,
  ctx: { environment: string; serviceDir: string; stateDir?: string; env?: NodeJS.ProcessEnv },
): Promise<LocalPlan> {
  const model = releaseModel(resolved, ctx.environment);
  const local = model.local;
  if (!local) throw new TypeError(`environment ${ctx.environment} is not a local environment`);
  const paths = new StatePaths(ctx.stateDir ?? join(ctx.serviceDir, '.slipway'));
  const serviceDir = resolve(ctx.serviceDir);
  const spec = local.artifact;
  const { files } = await shippedFiles(serviceDir);
  const artifact: LocalPlan['artifact'] = { files: files.length };
  if (spec.build) artifact.build = spec.build;
  else {
    const staged = await stage(serviceDir, files);
    try {
      const root = resolve(staged, spec.path);
      const deps = existsSync(join(root, 'package.json'))
        ? await planDependencies({
            appDir: root,
            sourceDir: resolve(serviceDir, spec.path),
            cacheDir: defaultCacheDir(ctx.env),
            ...(ctx.env ? { env: ctx.env } : {}),
          })
        : undefined;
      if (deps) {
        artifact.dependencies = {
          manager: deps.manager.name,
          command: deps.command,
          cached: deps.cached !== undefined,
          key: deps.key,
        };
      }
      if (!deps || deps.cached) {
        const digest = await digestFolder(root, deps?.cached);
        artifact.digest = digest;
        artifact.inStore = existsSync(paths.artifact(digest));
      }
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  }
  return {
    environment: ctx.environment,
    stateDir: paths.root,
    proxyPort: local.proxy.port,
    artifact,
    live: await liveOf(paths.root, ctx.environment),
    strategy: model.spec.strategy.kind,
    steps: describeSteps(model.spec.strategy, model.spec.analysis.noData),
    replicas: model.spec.replicas,
    progressDeadlineMs: model.spec.progressDeadlineMs,
  };
}

async function liveOf(stateDir: string, environment: string): Promise<LocalPlan['live']> {
  const client = await DaemonClient.read(stateDir).catch(() => undefined);
  if (!client || !(await client.healthy())) return { daemon: 'not running' };
  const all = await client.request<{ environments: EnvironmentStatus[] }>('GET', '/v1/status');
  const env = all.environments.find((e) => e.name === environment);
  return {
    daemon: 'running',
    ...(env?.stable !== undefined ? { stable: env.stable } : {}),
    weights: env?.weights ?? {},
    revisions: (env?.revisions ?? []).map((r) => r.release),
  };
}

const seconds = (ms: number) =>
  ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;

/**
 * What analysis does when the candidate gets no request (a rehearsal without traffic), so the plan
 * says before the deploy what the deploy will then say while it waits.
 */
function withoutTraffic(noData: NoDataPolicy, when: string): string {
  const outcome = {
    pass: 'passes',
    fail: 'rolled back',
    inconclusive: 'rolled back (analysis.noData: pass would pass it)',
  }[noData];
  return `no candidate request by ${when}: ${outcome} (analysis.noData: ${noData})`;
}

/** When a preview without requests meets the no-data policy (core/strategies/blue-green.ts). */
function previewBoundWords(strategy: BlueGreenStrategy): string {
  const own = strategy.analysisMaxDurationMs;
  return own === undefined
    ? 'the progress deadline'
    : `prePromotionAnalysis.maxDuration (${own / 1000} s, at most the progress deadline)`;
}

/** The strategy as the engine runs it, one line per step (and, given `noData`, what no traffic does). */
export function describeSteps(strategy: Strategy, noData?: NoDataPolicy): string[] {
  switch (strategy.kind) {
    case 'rolling':
      return [
        `replace instances one batch at a time: up to ${strategy.maxSurge} extra, at most ${strategy.maxUnavailable} missing`,
      ];
    case 'blue-green':
      return [
        'start the candidate at full capacity beside the live revision (no user traffic)',
        strategy.prePromotionAnalysis
          ? 'analyse the candidate through its preview'
          : 'no pre-promotion analysis',
        ...(strategy.prePromotionAnalysis && noData
          ? [withoutTraffic(noData, previewBoundWords(strategy))]
          : []),
        strategy.autoPromote
          ? 'switch all traffic when ready'
          : 'wait for `slipway promote`, then switch all traffic',
        `keep the old revision ${seconds(strategy.scaleDownDelayMs)} for a one-switch rollback, then stop it`,
      ];
    case 'canary': {
      const lines = strategy.steps.map((s, i) => {
        const n = `${i + 1}/${strategy.steps.length}`;
        if (s.kind === 'weight') return `${n} send ${s.weight}% of traffic to the candidate`;
        if (s.kind === 'pause')
          return s.durationMs === undefined
            ? `${n} pause until \`slipway promote\``
            : `${n} pause ${seconds(s.durationMs)}`;
        return `${n} analyse for at most ${seconds(s.maxDurationMs)}`;
      });
      if (strategy.continuousAnalysis) lines.push('analysis runs through every step');
      const judged = strategy.continuousAnalysis || strategy.steps.some((s) => s.kind === 'analysis');
      if (judged && noData) {
        const when = strategy.continuousAnalysis
          ? 'an analysis deadline or the last step'
          : 'an analysis deadline';
        lines.push(withoutTraffic(noData, when));
      }
      lines.push('promote on a passing verdict: 100% to the candidate');
      return lines;
    }
  }
}
