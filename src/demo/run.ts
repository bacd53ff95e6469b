/**
 * `slipway demo`: examples/hello on the local target under bounded background load — v1 rolling,
 * v2 a healthy canary promoted automatically, v3 a failing canary rolled back by analysis — then a
 * summary of what users saw. Everything it starts is stopped at the end unless `keep`. Each release
 * is the engine's deploy-with-resume through src/app/deploy.ts, as `slipway deploy` runs it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deployRelease } from '../app/deploy.ts';
import { type EnvironmentContext, openEnvironment } from '../app/environment.ts';
import { type ProgressMode, ProgressRenderer } from '../app/progress/renderer.ts';
import type { Decision } from '../core/decision.ts';
import { freePort, isListening } from '../targets/local/supervisor/ports.ts';
import { countsBetween, LoadGenerator } from './load.ts';
import { DEMO_RELEASES, type DemoRelease, demoOverlay, type OverlayOptions } from './plan.ts';
import type { DemoSummary, ReleaseSummary } from './summary.ts';
import { CandidateWatch } from './watch.ts';

/** The package root (works from src/ and from the compiled dist/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_CONFIG = join(PACKAGE_ROOT, 'examples', 'hello', 'slipway.yaml');
const ENVIRONMENT = 'development';
const PREFERRED_PORT = 8700;

export interface DemoOptions {
  mode: ProgressMode;
  keep?: boolean;
  /**
   * State folder. Default: a fresh folder under examples/hello/.slipway/, removed afterwards, where
   * the example finds its dependencies in the package's node_modules.
   */
  stateDir?: string;
  /** Background load in requests per second (default 150). */
  rate?: number;
  /** Share of PUT /echo in the load (default 0.3). */
  putShare?: number;
  /** The load's own time bound (default 150 s). */
  loadMaxMs?: number;
  releases?: DemoRelease[];
  canary?: OverlayOptions['canary'];
  write?: (text: string) => void;
}

export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  const say = (t: string) => {
    if (opts.mode !== 'json' && opts.mode !== 'quiet') write(`${t}\n`);
  };
  const scratch = join(PACKAGE_ROOT, 'examples', 'hello', '.slipway');
  await mkdir(scratch, { recursive: true });
  const stateDir = opts.stateDir ?? (await mkdtemp(join(scratch, 'demo-')));
  const port = (await isListening(PREFERRED_PORT)) ? await freePort() : PREFERRED_PORT;
  const rate = opts.rate ?? 150;
  const started = Date.now();
  let last: EnvironmentContext | undefined;
  let load: LoadGenerator | undefined;
  let watch: CandidateWatch | undefined;
  const releases: ReleaseSummary[] = [];
  try {
    for (const [i, release] of (opts.releases ?? DEMO_RELEASES).entries()) {
      const ctx = await openEnvironment(
        { config: DEMO_CONFIG, env: ENVIRONMENT, stateDir },
        {
          overlay: (r) => demoOverlay(r, release, { port, ...(opts.canary ? { canary: opts.canary } : {}) }),
        },
      );
      last = ctx;
      watch ??= new CandidateWatch(() => ctx.opened.sample());
      say(`\n▶ v${release.version}: ${release.strategy}${describeFaults(release)}`);
      const renderer = new ProgressRenderer({
        mode: opts.mode === 'tty' || opts.mode === 'plain' ? opts.mode : 'quiet',
        environment: ctx.environment,
        sample: () => ctx.opened.sample(),
        write,
      });
      const before = load?.counts();
      const t0 = Date.now();
      let switchedBackAt: number | undefined;
      let candidate = 0;
      const outcome = await deployRelease(ctx, {
        renderer,
        onProgress: (decision: Decision) => {
          candidate ||= renderer.release;
          if (switchedBackAt === undefined && candidate && takesTrafficAway(decision, candidate)) {
            switchedBackAt = Date.now();
          }
        },
      }).finally(() => renderer.stop());
      renderer.finish(outcome);
      if (i === 0 && !load) {
        // Users arrive once v1 serves; the load runs to the end of the demo (or its own time bound).
        const putShare = opts.putShare ?? 0.3;
        load = new LoadGenerator({
          origin: `http://127.0.0.1:${port}`,
          rate,
          putShare,
          maxDurationMs: opts.loadMaxMs ?? 150_000,
        });
        load.start();
        const put = Math.round(putShare * 100);
        say(`  background load: ${rate} req/s (${100 - put}% GET /, ${put}% PUT /echo) on 127.0.0.1:${port}`);
      }
      const seen = load && before ? countsBetween(before, load.counts()) : undefined;
      const cand = await watch.settle(outcome.release);
      const firstFailure = cand.firstErrorAt;
      releases.push({
        version: release.version,
        strategy: release.strategy,
        release: outcome.release,
        outcome: outcome.kind,
        expected: release.expect,
        reason: outcome.reason,
        durationMs: Date.now() - t0,
        requests: seen?.answered ?? 0,
        userErrors: seen?.errors ?? 0,
        candidateErrors: cand.errors,
        absorbed: cand.retried,
        ...(outcome.kind !== 'promoted' && firstFailure !== undefined && switchedBackAt !== undefined
          ? { rollbackMs: Math.max(0, switchedBackAt - firstFailure) }
          : {}),
      });
    }
    // Let the load see the final state for a moment, then stop it.
    const totals = load ? await load.stop() : undefined;
    load = undefined;
    const rolledBack = releases.filter((r) => r.outcome !== 'promoted');
    return {
      ok: releases.every((r) => r.outcome === r.expected) && (totals?.errors ?? 0) === 0,
      durationMs: Date.now() - started,
      endpoint: `http://127.0.0.1:${port}`,
      stateDir,
      rate,
      requests: totals?.answered ?? 0,
      userErrors: totals?.errors ?? 0,
      userErrorsGet: totals?.getErrors ?? 0,
      userErrorsPut: totals?.putErrors ?? 0,
      userErrorSamples: totals?.samples ?? [],
      candidateErrors: releases.reduce((n, r) => n + r.candidateErrors, 0),
      absorbed: releases.reduce((n, r) => n + r.absorbed, 0),
      rolledBack: rolledBack.length > 0,
      rollbackMs: rolledBack.find((r) => r.rollbackMs !== undefined)?.rollbackMs ?? null,
      kept: opts.keep === true,
      releases,
    };
  } finally {
    await load?.stop();
    watch?.stop();
    if (!opts.keep) {
      await last?.opened.shutdown().catch(() => undefined);
      if (opts.stateDir === undefined) await rm(stateDir, { recursive: true, force: true });
    }
  }
}

function describeFaults(r: DemoRelease): string {
  const knobs = Object.entries(r.faults).map(([k, v]) => `${k}=${v}`);
  return knobs.length ? ` with ${knobs.join(' ')} (a bad release)` : '';
}

/** The decision moves the candidate's traffic to 0 (the rollback's switch) while others serve. */
function takesTrafficAway(decision: Decision, candidate: number): boolean {
  return decision.effects.some(
    (a) =>
      a.kind === 'set-traffic' &&
      (a.weights[String(candidate)] ?? 0) === 0 &&
      Object.values(a.weights).some((w) => w > 0),
  );
}
