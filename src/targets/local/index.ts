/**
 * The local target's public API (see docs/local-target.md):
 * - `openLocalTarget` — the `Target` of one environment (starts the daemon on demand);
 * - `buildArtifact` — run the build, pack the folder into the store, get its digest;
 * - `ensureDaemon`, `stopDaemon`, `DaemonClient` — the daemon's lifecycle and its control API;
 * - `renderServiceUnit` — a systemd unit / launchd agent running the keeper (`slipway local install`);
 * - `StatePaths` — where everything lives in the state folder.
 */
export {
  ArtifactFolderError,
  BuildFailedError,
  buildArtifact,
  digestFolder,
  makeWritable,
  type PackedArtifact,
  packFolder,
} from './artifacts/index.ts';
export { DaemonClient, DaemonError, ensureDaemon, isAlive, keeperMain } from './daemon/client.ts';
export type { DaemonInfo, EnvironmentStatus, StatusAnswer } from './daemon/protocol/answers.ts';
export { daemonProcesses, type StopReport, stopDaemon, stopLocalDaemon } from './daemon/stop.ts';
export { LocalConfigError, proxyOf, runtimeOf } from './from-config.ts';
export {
  defaultInitSystem,
  type InitSystem,
  renderServiceUnit,
  type ServiceUnit,
  unitFolder,
} from './keeper/service-unit.ts';
export type { ProbeSettings, ProxySettings, RevisionRuntime, SecretRef } from './runtime.ts';
export { doctor, type Finding } from './state/doctor.ts';
export { FileLedger } from './state/ledger.ts';
export { StatePaths } from './state/paths.ts';
export { StateFolderError } from './state/permissions.ts';
export type { InstanceStatus } from './supervisor/instance.ts';
export { tailFile } from './supervisor/logs.ts';
export type { RevisionStatus } from './supervisor/revision.ts';
export { MissingSecretError } from './supervisor/secrets.ts';
export { LocalTarget, type LocalTargetOptions, openLocalTarget } from './target.ts';
