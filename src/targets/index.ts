/**
 * The target factory: the one place the CLI turns a resolved environment into something to run
 * releases on. Commands stay target-agnostic: they see a `Target` for the engine, a metric provider
 * for analysis, a way to prepare the artifact, and a few read-only views (status, logs, live stats).
 */
import type { ResolvedConfig } from '../config/index.ts';
import { openKubernetes } from './kubernetes/opened.ts';
import { openLocal } from './local/opened.ts';
import { type Capability, type OpenedTarget, type TargetContext, TargetUnavailableError } from './opened.ts';

export {
  type Capabilities,
  type Capability,
  type EnvironmentView,
  type InstanceView,
  type LogLines,
  type LogQuery,
  type OpenedTarget,
  type PinGrant,
  type PlannedChange,
  type PreparedArtifact,
  type RevisionView,
  type TargetContext,
  TargetUnavailableError,
} from './opened.ts';
export type { RevisionSample } from './samples.ts';

/** Which target kind offers which capability: checked before opening (a local target starts its daemon). */
export const CAPABILITIES: Record<ResolvedConfig['target'], readonly Capability[]> = {
  local: ['pin'],
  kubernetes: ['plan', 'writeSecret'],
};

export async function openTarget(resolved: ResolvedConfig, ctx: TargetContext): Promise<OpenedTarget> {
  if (resolved.target === 'local') return openLocal(resolved, ctx);
  if (resolved.target === 'kubernetes') return openKubernetes(resolved, ctx);
  throw new TargetUnavailableError(
    `environment ${ctx.environment} uses the ${resolved.target} target, and the kubernetes target is not available yet in this version of slipway; use an environment with target: local`,
  );
}
