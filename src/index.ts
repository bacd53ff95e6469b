/**
 * Slipway as a library: `import { validateConfigFile, renderOutput, openTarget, deploy } from 'slipway'`
 * (package.json `exports`, with types). The same functions the CLI calls, kept small on purpose;
 * anything not exported here is internal and may change in any release. docs/library.md shows
 * each group in use.
 *
 * Groups:
 *   - configuration: load and validate `slipway.yaml` (every problem at once, each with its path,
 *     the bad value and a hint), resolve one environment, the published JSON Schema;
 *   - Kubernetes manifests: render an environment (yaml, kustomize, argo-rollouts) and validate
 *     objects strictly against the Kubernetes 1.36 schema and the policy set;
 *   - targets: open an environment's target (local daemon or Kubernetes cluster) and prepare its artifact;
 *   - the engine's operations: deploy, resume, roll back, send an operator command.
 */

export {
  buildJsonSchema,
  ConfigError,
  type ConfigProblem,
  configHash,
  formatProblems,
  JSON_SCHEMA_PATH,
  type LoadedConfig,
  loadConfig,
  type ResolvedConfig,
  resolveEnvironment,
  type SlipwayFile,
  storeConfig,
  TARGETS,
  type TargetName,
  toReleaseSpec,
  type ValidateOptions,
  type ValidationResult,
  validateConfigFile,
  validateConfigText,
} from './config/index.ts';
export {
  type Clock,
  type DeployInput,
  deploy,
  type EngineDeps,
  LockHeldError,
  LockLostError,
  NothingToResumeError,
  OperationInFlightError,
  type OperationOutcome,
  type OutcomeKind,
  planRollback,
  RollbackError,
  type RollbackInput,
  type RollbackPlan,
  resume,
  rollback,
  sendCommand,
  systemClock,
  type Target,
} from './engine/index.ts';
export {
  type EnvironmentView,
  type OpenedTarget,
  openTarget,
  type PreparedArtifact,
  type TargetContext,
  TargetUnavailableError,
} from './targets/index.ts';
export { RenderError } from './targets/kubernetes/render/index.ts';
export {
  FORMATS,
  type Format,
  PLACEHOLDER_DIGEST,
  type RenderOutput,
  renderOutput,
} from './targets/kubernetes/render/output.ts';
export {
  type Finding,
  formatReport,
  type ValidationReport,
  validateObjects,
} from './targets/kubernetes/validate/index.ts';
