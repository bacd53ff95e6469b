/**
 * A release as the CLI and the demo run it: build and pack the artifact through the target (or
 * take the one given), then the engine's deploy-with-resume (or its promotion from another
 * environment), narrated on a progress renderer. The release policy is the engine's
 * (engine/release.ts, engine/promote.ts); this file only builds the input and says what happens.
 */
import { type ResolvedConfig, storeConfig, toReleaseSpec } from '../config/index.ts';
import type { Decision } from '../core/decision.ts';
import type { Observed } from '../core/types.ts';
import {
  type DeployEvent,
  type DeployInput,
  deployWithResume,
  type OperationOutcome,
  type PromotedArtifact,
  type Promotion,
  promote,
} from '../engine/index.ts';
import type { PreparedArtifact } from '../targets/index.ts';
import { type EnvironmentContext, engineDeps } from './environment.ts';
import type { ProgressRenderer } from './progress/renderer.ts';

export interface DeployRun {
  /** Use this artifact instead of building. */
  artifact?: PreparedArtifact;
  wait?: boolean;
  /** Deploy again even when the resumed release ran this artifact and config and did not promote. */
  force?: boolean;
  renderer: ProgressRenderer;
  /** Also told of every engine decision (the demo times the rollback with it). */
  onProgress?: (decision: Decision, observed: Observed) => void;
}

/** Deploys the environment's artifact; resumes an unfinished release first. */
export async function deployRelease(ctx: EnvironmentContext, run: DeployRun): Promise<OperationOutcome> {
  const { renderer } = run;
  let artifact = run.artifact;
  if (artifact) await ctx.opened.preflight();
  else {
    renderer.note(`building and packing the ${ctx.opened.kind} artifact of ${ctx.resolved.service}…`);
    artifact = await ctx.opened.prepareArtifact();
  }
  await announce(ctx, renderer, artifact);
  const result = await deployWithResume(
    deps(ctx, run),
    releaseInput(ctx.resolved, ctx.environment, artifact),
    narrate(ctx, renderer, artifact),
    run.force ? { force: true } : {},
  );
  return result.outcome;
}

/** `promote --from A --to B`: `ctx` (B) deploys the artifact A serves now (see engine/promote.ts). */
export async function promoteRelease(
  ctx: EnvironmentContext,
  promotion: Promotion,
  run: Omit<DeployRun, 'artifact' | 'force'>,
): Promise<OperationOutcome> {
  const { renderer } = run;
  renderer.note(
    `promoting release ${promotion.release} of ${promotion.from} (${promotion.artifact.digest.slice(0, 19)}…) to ${ctx.environment}`,
  );
  await ctx.opened.preflight();
  await announce(ctx, renderer, promotion.artifact);
  const result = await promote(
    deps(ctx, run),
    promotion,
    (artifact) => releaseInput(ctx.resolved, ctx.environment, artifact),
    narrate(ctx, renderer, promotion.artifact),
  );
  return result.outcome;
}

/** The engine's input for a release of `artifact` with this environment's configuration. */
export function releaseInput(
  resolved: ResolvedConfig,
  environment: string,
  artifact: PromotedArtifact,
): DeployInput {
  // Release 1 is a placeholder: the engine assigns the number under the lock.
  const { release: _, ...spec } = toReleaseSpec(resolved, {
    environment,
    release: 1,
    digest: artifact.digest,
    ...(artifact.ref ? { ref: artifact.ref } : {}),
  });
  return { spec, config: storeConfig(resolved) };
}

async function announce(
  ctx: EnvironmentContext,
  renderer: ProgressRenderer,
  artifact: PromotedArtifact,
): Promise<void> {
  renderer.note(`artifact ${artifact.digest.slice(0, 19)}…`);
  if (ctx.opened.metricSource) renderer.note(await ctx.opened.metricSource());
}

function deps(ctx: EnvironmentContext, run: Pick<DeployRun, 'renderer' | 'wait' | 'onProgress'>) {
  const onProgress = (decision: Decision, observed: Observed) => {
    run.renderer.onProgress(decision, observed);
    run.onProgress?.(decision, observed);
  };
  return engineDeps(ctx, run.renderer, { waitForLock: run.wait === true, onProgress });
}

/** What the renderer says as the engine's deploy-with-resume goes (none of it changes what happens). */
function narrate(
  ctx: EnvironmentContext,
  renderer: ProgressRenderer,
  artifact: PromotedArtifact,
): (event: DeployEvent) => void {
  return (event) => {
    if (event.kind === 'start') renderer.release = event.release;
    if (event.kind === 'resume') {
      renderer.note(`release ${event.release} was left unfinished; resuming it first`);
      renderer.release = event.release;
    }
    if (event.kind === 'resumed' && event.next === 'held') {
      renderer.note(
        `release ${event.release} ran this same artifact (${artifact.digest.slice(0, 19)}…) and config, and ${event.outcome.kind}; not starting another release of it. To deploy it again anyway: slipway deploy --env ${ctx.environment} --force`,
      );
    }
    if (event.kind === 'resumed' && (event.next === 'again' || event.next === 'new')) {
      renderer.finish(event.outcome);
      renderer.note(
        `release ${event.release} ${event.outcome.kind}; now deploying ${event.next === 'again' ? 'it again (--force)' : 'the new artifact'}`,
      );
    }
  };
}
