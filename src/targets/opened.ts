/**
 * What a target offers the CLI, the demo and the dashboard once opened: a `Target` for the engine,
 * a metric provider for analysis, a way to prepare the artifact, and read-only views (status, logs,
 * live stats). Each target's `opened.ts` builds one; `./index.ts` picks which.
 */
import type { ResolvedConfig } from '../config/index.ts';
import { SlipwayError } from '../core/fault.ts';
import type { Target } from '../engine/index.ts';
import type { CheckReader } from '../providers/checks.ts';
import type { MetricProvider } from '../providers/provider.ts';
import type { RevisionSample } from './samples.ts';

export interface TargetContext {
  environment: string;
  /** Folder holding slipway.yaml: relative paths in the config are resolved from it. */
  serviceDir: string;
  /** Local target: the state folder (default `.slipway/` beside slipway.yaml). */
  stateDir?: string;
  /** Where `source: env` secrets are read (default `process.env`). */
  processEnv?: NodeJS.ProcessEnv;
}

export interface PreparedArtifact {
  digest: string;
  ref?: string;
}

export interface InstanceView {
  index: number;
  state: string;
  pid?: number;
  port?: number;
  restarts: number;
  lastExit?: string;
  /** It listens on every interface instead of $HOST (with the fix). */
  warning?: string;
}

export interface RevisionView {
  release: number;
  desired: number;
  ready: number;
  failed?: string;
  digest?: string;
  instances: InstanceView[];
}

export interface EnvironmentView {
  /** Where users reach the environment, e.g. `http://127.0.0.1:8700`. */
  endpoint?: string;
  weights: Record<string, number>;
  revisions: RevisionView[];
}

export interface LogQuery {
  release?: number;
  instance?: number;
  tail: number;
}

export interface LogLines {
  release: number;
  instance: number;
  file: string;
  lines: string[];
}

/** A signed pin (local target, `proxy.pinning.enabled`): present it to reach `release` whatever its weight. */
export interface PinGrant {
  release: number;
  /** The value for the header or the cookie. */
  pin: string;
  /** Epoch ms. */
  expiresAt: number;
  header: string;
  cookie: string;
}

/** One object the next apply would change, with its diff. */
export interface PlannedChange {
  ref: string;
  action: 'create' | 'update' | 'unchanged' | 'delete';
  diff: string;
}

/**
 * What a target can do beyond running releases; each is absent where the target cannot.
 * `CAPABILITIES` in ./index.ts says which kind has which, so a command can refuse before opening.
 */
export interface Capabilities {
  /**
   * Compares what applying the environment would change with what runs (a server-side dry run that
   * changes nothing); with `digest`, also the next release of it (`deploy --dry-run`).
   */
  plan?(digest?: string): Promise<{ where: string; changes: PlannedChange[] }>;
  /** Creates one key of the named secret, or merges it into the existing one (other keys stay). */
  writeSecret?(name: string, key: string, value: Buffer): Promise<{ where: string; created: boolean }>;
  /** Signs a pin to a running release for `ttlMs` (default `proxy.pinning.ttl`): `slipway pin`. */
  pin?(release: number, ttlMs?: number): Promise<PinGrant>;
}

export type Capability = keyof Capabilities;

export interface OpenedTarget {
  kind: ResolvedConfig['target'];
  target: Target;
  capabilities: Capabilities;
  metrics: MetricProvider;
  /** Reads the release's custom checks (`analysis.queries`) for the candidate. */
  checks: CheckReader;
  /** Where analysis evidence comes from, said at deploy start (kubernetes: Prometheus, or none). */
  metricSource?: () => Promise<string>;
  /** Builds (if configured) and packs the artifact; checks that the release could start (secrets). */
  prepareArtifact(opts?: { onOutput?: (chunk: string) => void }): Promise<PreparedArtifact>;
  /** Checks what a release of `digest` needs before the engine starts (e.g. secrets are present). */
  preflight(): Promise<void>;
  view(): Promise<EnvironmentView>;
  /** Cumulative per-revision counters with latency buckets; undefined where the target has none. */
  sample(): Promise<Record<string, RevisionSample> | undefined>;
  logs(query: LogQuery): Promise<LogLines[]>;
  /** Stops whatever the target started on this machine (local: the daemon and its instances). */
  shutdown(): Promise<void>;
}

/** Thrown for environments whose target this build cannot run yet. */
export class TargetUnavailableError extends SlipwayError {
  constructor(message: string) {
    super(message, 'invalid-input');
    this.name = 'TargetUnavailableError';
  }
}
