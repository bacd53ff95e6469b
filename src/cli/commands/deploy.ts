/**
 * `slipway deploy --env E`: builds and packs the artifact through the target, then runs a release
 * with the environment's strategy to its end. If the previous release was left unfinished (the
 * deploying process crashed or was killed), it is resumed first — it then completes or rolls back —
 * and the artifact is deployed after it, unless that release was this artifact and config: then it
 * is not started a second time, whether it completed or was rolled back (`--force` deploys it again).
 * That policy is the engine's (`deployWithResume`); this file builds, renders and maps the outcome.
 */
import type { Command } from 'commander';
import { type ResolvedConfig, storeConfig, toReleaseSpec } from '../../config/index.ts';
import type { Decision } from '../../core/decision.ts';
import type { Observed } from '../../core/types.ts';
import { deployWithResume, type OperationOutcome } from '../../engine/index.ts';
import { CAPABILITIES, type PreparedArtifact } from '../../targets/index.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  engineDeps,
  exitCodeFor,
  guard,
  openEnvironment,
  withCommonOptions,
} from '../context.ts';
import { CliError, ExitCode } from '../exit.ts';
import { ProgressRenderer, progressMode } from '../progress/renderer.ts';
import { writePlan } from './plan.ts';

interface DeployOptions extends CommonOptions {
  wait?: boolean;
  force?: boolean;
  artifact?: string;
  dryRun?: boolean;
}

/** What `--artifact` names: an image pinned by digest (`repo@sha256:…`), or a bare digest. */
export interface ArtifactFlag {
  repository?: string;
  digest: string;
}

const ARTIFACT = /^(?:([^@\s]+)@)?(sha256:[0-9a-f]{64})$/;

/** Parses `--artifact`, or exits 2 naming the flag, the bad value and the expected form. */
export function parseArtifactFlag(value: string): ArtifactFlag {
  const m = ARTIFACT.exec(value.trim());
  if (!m) {
    throw new CliError(
      `--artifact must be an image pinned by digest, <repository>@sha256:<64 lowercase hex digits> (e.g. ghcr.io/acme/hello@sha256:${'0'.repeat(64)}), got ${JSON.stringify(value)}`,
      ExitCode.invalidInput,
    );
  }
  return { digest: m[2] as string, ...(m[1] ? { repository: m[1] } : {}) };
}

/**
 * The artifact `--artifact` selects in this environment. Kubernetes: the repository (when given)
 * must be the config's `artifact.image`, so a workflow cannot deploy another service's image under
 * this one's name. Local: refused — the local target packs its own artifact from the service folder
 * and keeps no registry to select a digest from.
 */
export function artifactFromFlag(
  resolved: ResolvedConfig,
  ctx: { file: string; environment: string; serviceDir: string },
  flag: ArtifactFlag,
): PreparedArtifact {
  if (resolved.target !== 'kubernetes') {
    throw new CliError(
      `--artifact selects an image for kubernetes environments; environment ${ctx.environment} uses target ${resolved.target}, which builds and packs its artifact from ${ctx.serviceDir} (run slipway deploy --env ${ctx.environment} without --artifact)`,
      ExitCode.invalidInput,
    );
  }
  const image = resolved.artifact.image;
  if (flag.repository !== undefined && flag.repository !== image) {
    throw new CliError(
      `--artifact ${flag.repository}@${flag.digest.slice(0, 19)}… is not this service's image: ${ctx.file} sets artifact.image to ${image ?? '(nothing)'}; pass ${image}@sha256:… or fix artifact.image`,
      ExitCode.invalidInput,
    );
  }
  return { digest: flag.digest, ref: `${image}@${flag.digest}` };
}

export interface DeployRun {
  /** Use this artifact instead of building (promotion between environments). */
  artifact?: PreparedArtifact;
  wait?: boolean;
  /** Deploy again even when the resumed release ran this artifact and config and did not promote. */
  force?: boolean;
  renderer: ProgressRenderer;
  /** Also told of every engine decision (the demo times the rollback with it). */
  onProgress?: (decision: Decision, observed: Observed) => void;
}

/** Deploys the environment's artifact; resumes an unfinished release first. Throws CliErrors. */
export async function deployRelease(ctx: EnvironmentContext, run: DeployRun): Promise<OperationOutcome> {
  const { renderer } = run;
  const artifact =
    run.artifact ??
    (await guard(async () => {
      renderer.note(`building and packing the ${ctx.opened.kind} artifact of ${ctx.resolved.service}…`);
      return ctx.opened.prepareArtifact();
    }));
  if (run.artifact) await guard(() => ctx.opened.preflight());
  renderer.note(`artifact ${artifact.digest.slice(0, 19)}…`);
  if (ctx.opened.metricSource) renderer.note(await ctx.opened.metricSource());
  // Release 1 is a placeholder: the engine assigns the number under the lock.
  const { release: _, ...spec } = toReleaseSpec(ctx.resolved, {
    environment: ctx.environment,
    release: 1,
    digest: artifact.digest,
    ...(artifact.ref ? { ref: artifact.ref } : {}),
  });
  const onProgress = (decision: Decision, observed: Observed) => {
    renderer.onProgress(decision, observed);
    run.onProgress?.(decision, observed);
  };
  const deps = engineDeps(ctx, renderer, { waitForLock: run.wait === true, onProgress });
  const result = await guard(() =>
    deployWithResume(
      deps,
      { spec, config: storeConfig(ctx.resolved) },
      (event) => {
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
      },
      run.force ? { force: true } : {},
    ),
  );
  return result.outcome;
}

/**
 * `deploy --dry-run` (kubernetes): the objects the next release would apply — the environment's
 * shared objects plus the new revision — sent to the API server as a server-side dry run and
 * diffed against the live cluster, as `slipway plan --digest` does. No lock, no ledger entry.
 */
export async function dryRun(
  ctx: EnvironmentContext,
  given: PreparedArtifact | undefined,
  json: boolean,
): Promise<void> {
  const plan = ctx.opened.capabilities.plan;
  if (!plan) {
    throw new CliError(
      `--dry-run needs a target that can plan against what runs; ${ctx.environment} uses target ${ctx.opened.kind}`,
      ExitCode.invalidInput,
    );
  }
  const artifact = given ?? (await guard(() => ctx.opened.prepareArtifact()));
  if (given) await guard(() => ctx.opened.preflight());
  writePlan(ctx.environment, await guard(() => plan(artifact.digest)), json);
  if (!json)
    process.stdout.write(`dry run: ${artifact.ref ?? artifact.digest} not released, nothing was changed\n`);
}

export function register(program: Command): void {
  const cmd = program
    .command('deploy')
    .description('build the artifact and release it with the environment’s strategy')
    .option('--wait', 'wait for another operation’s lock instead of failing (exit 3)')
    .option(
      '--force',
      'deploy even when the unfinished release it resumes ran this same artifact and config and was rolled back',
    )
    .option(
      '--artifact <image>',
      'kubernetes: release this image, <repository>@sha256:<digest> (overrides SLIPWAY_IMAGE_DIGEST)',
    )
    .option(
      '--dry-run',
      'kubernetes: server-side dry run of the release; print what would be applied, change nothing',
    );
  withCommonOptions(cmd).action(async (options: DeployOptions) => {
    const flag = options.artifact === undefined ? undefined : parseArtifactFlag(options.artifact);
    let artifact: PreparedArtifact | undefined;
    const ctx = await openEnvironment(options, {
      beforeOpen: (resolved, where) => {
        if (options.dryRun && !CAPABILITIES[resolved.target].includes('plan')) {
          throw new CliError(
            `--dry-run is for kubernetes environments (a server-side dry run against the cluster); environment ${where.environment} uses target ${resolved.target}`,
            ExitCode.invalidInput,
          );
        }
        if (flag) artifact = artifactFromFlag(resolved, where, flag);
      },
    });
    if (options.dryRun) {
      await dryRun(ctx, artifact, options.json === true);
      return;
    }
    const renderer = new ProgressRenderer({
      mode: progressMode(options.json, process.stdout.isTTY),
      environment: ctx.environment,
      sample: () => ctx.opened.sample(),
    });
    try {
      const outcome = await deployRelease(ctx, {
        renderer,
        ...(options.wait ? { wait: true } : {}),
        ...(options.force ? { force: true } : {}),
        ...(artifact ? { artifact } : {}),
      });
      renderer.finish(outcome);
      process.exitCode = exitCodeFor(outcome);
    } finally {
      renderer.stop();
    }
  });
}
