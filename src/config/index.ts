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
export {
  configHash,
  type LocalModel,
  type LocalSecretModel,
  type ProbeModel,
  type ReleaseIdentity,
  type ReleaseModel,
  type ReleaseTemplate,
  releaseModel,
  toReleaseSpec,
} from './model.ts';
export type { ConfigProblem } from './problems.ts';
export { ConfigError, formatProblem, formatProblems } from './report.ts';
export {
  type CanaryStepConfig,
  type ResolvedConfig,
  type SlipwayFile,
  TARGETS,
  type TargetName,
} from './schema/index.ts';
export { readStoredConfig, STORED_CONFIG_VERSION, type StoredConfig, storeConfig } from './stored.ts';
