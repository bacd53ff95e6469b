/**
 * `slipway deploy --env E`: builds and packs the artifact through the target, then runs a release
 * with the environment's strategy to its end. If the previous release was left unfinished (the
 * deploying process crashed or was killed), it is resumed first — it then completes or rolls back —
 * and the artifact is deployed after it, unless that release was this artifact and config: then it
 * is not started a second time, whether it completed or was rolled back (`--force` deploys it again).
 * That policy is the engine's (`deployWithResume`), run through src/app/deploy.ts (the demo's too);
 * this file parses flags, renders and maps the outcome to an exit code.
 */
import type { Command } from 'commander';
import { deployRelease } from '../../app/deploy.ts';
import { ProgressRenderer, progressMode } from '../../app/progress/renderer.ts';
import type { ResolvedConfig } from '../../config/index.ts';
import { CAPABILITIES, type PreparedArtifact } from '../../targets/index.ts';
import {
  type CommonOptions,
  type EnvironmentContext,
  exitCodeFor,
  guard,
  openEnvironment,
  withCommonOptions,
} from '../context.ts';
import { CliError, type Done, ExitCode } from '../exit.ts';
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

export function register(program: Command, done: Done): void {
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
      done(exitCodeFor(outcome));
    } finally {
      renderer.stop();
    }
  });
}
