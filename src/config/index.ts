/** The config API every other layer uses; nothing else parses `slipway.yaml`. */
export { formatDuration, parseDuration } from './duration.ts';
export { buildJsonSchema, JSON_SCHEMA_PATH } from './json-schema.ts';
export {
  type LoadedConfig,
  loadConfig,
  resolveEnvironment,
  type ValidateOptions,
  type ValidationResult,
  validateConfigFile,
  validateConfigText,
} from './load.ts';
export { DEFAULT_EXCLUSIVE, mergeOverlay } from './merge.ts';
export { ConfigError, type ConfigProblem } from './problems.ts';
export { configHash, type ReleaseIdentity, toReleaseSpec } from './release-spec.ts';
export { formatProblem, formatProblems } from './report.ts';
export {
  type CanaryStepConfig,
  type ResolvedConfig,
  type SlipwayFile,
  TARGETS,
  type TargetName,
} from './schema/index.ts';
