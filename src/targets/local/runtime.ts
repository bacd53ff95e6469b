/**
 * What the daemon needs to run one release locally, reduced from the resolved configuration to
 * plain values (durations in milliseconds). Secret *names* only: values are resolved when an
 * instance starts (`supervisor/secrets.ts`).
 */

export interface ProbeSettings {
  /** HTTP path requested on the instance, e.g. `/readyz`; any 2xx/3xx answer passes. */
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before the instance is taken out of routing (readiness) or restarted (liveness). */
  failureThreshold: number;
}

export interface RevisionRuntime {
  release: number;
  /** `sha256:<hex>` of the packed artifact in the state folder's store. */
  digest: string;
  /** Start command, run with `sh -c 'exec …'` in the release folder; `node` is the daemon's Node. */
  start: string;
  /** Env var through which each instance is told its port (default `PORT`). */
  portEnv: string;
  env: Record<string, string>;
  /** Secrets to inject, by reference (values are resolved when an instance starts). */
  secrets: SecretRef[];
  replicas: number;
  /** Time an instance has to listen on its port and pass startup and readiness once (default 30 s). */
  startupTimeoutMs: number;
  /** Checked until it passes once, before readiness (e.g. GET /healthz). */
  startup?: ProbeSettings;
  readiness?: ProbeSettings;
  liveness?: ProbeSettings;
  /** SIGTERM, then SIGKILL after this long (default 10 s). */
  stopGraceMs: number;
  /** Consecutive crashes (exits before running `stableAfterMs`) tolerated before the revision fails. */
  maxRestarts: number;
  /** First restart delay; doubles per consecutive crash up to `backoffMaxMs`. */
  backoffInitialMs: number;
  backoffMaxMs: number;
  /** Running this long resets the crash count. */
  stableAfterMs: number;
}

export const RUNTIME_DEFAULTS = {
  portEnv: 'PORT',
  startupTimeoutMs: 30_000,
  stopGraceMs: 10_000,
  maxRestarts: 3,
  backoffInitialMs: 200,
  backoffMaxMs: 10_000,
  stableAfterMs: 10_000,
} as const;

/** Where a secret's value is read on the local target. */
export interface SecretRef {
  /** Env var the instance sees. */
  name: string;
  /** `file`: a dotenv file (default `<state>/secrets.<env>.env`); `env`: the deployer's environment. */
  source: 'file' | 'env';
  /** Key in the file, or name of the deployer's environment variable. */
  key: string;
  /** Absolute path of the dotenv file (source `file`); default the state folder's. */
  file?: string;
  /** A missing optional secret is left unset instead of failing the start. */
  optional?: boolean;
}

export interface ProxySettings {
  /** Stable port users and load generators hit for this environment. */
  port: number;
  /** Bind address; default 127.0.0.1. */
  host?: string;
  sticky: boolean;
  retry: { methods: string[]; budgetPercent: number };
  /** Requests slower than this count as slow for analysis (0 = none). */
  latencyBoundMs: number;
  /** Honour pins the daemon signed (`proxy.pinning.enabled`); default false. */
  pinning?: boolean;
}
