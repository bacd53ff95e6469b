import { type Env, EnvReader } from './env.ts';

export { ConfigError, type EnvProblem } from './env.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Knobs for rehearsing bad releases. All off by default. Request faults (fail, hang, latency) apply only to
 * the application routes (`/` and `/echo`), never to health or metrics endpoints, so a rehearsal shows up
 * in the traffic analysis rather than as a probe failure.
 */
export interface Faults {
  /** Fraction of application requests answered 500 (after the added latency). */
  readonly failRate: number;
  /** Fraction of application requests that never get an answer. `failRate + hangRate` is at most 1. */
  readonly hangRate: number;
  /** Delay added to every application request, in milliseconds. */
  readonly latencyMs: number;
  /** Exit 1 immediately at start, before listening. */
  readonly crashOnStart: boolean;
  /** Readiness never becomes true. */
  readonly neverReady: boolean;
  /** Exit 1 this many seconds after listening; undefined means never. */
  readonly crashAfterS: number | undefined;
}

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly logLevel: LogLevel;
  readonly serviceName: string;
  readonly appVersion: string;
  /** Readiness turns true this long after listening (to rehearse slow starts). */
  readonly readyDelayMs: number;
  /** After a signal, keep serving (readiness false) this long before closing the listener. */
  readonly shutdownDelayMs: number;
  /** Deadline for in-flight requests once the listener is closed; past it, exit 1. */
  readonly shutdownTimeoutMs: number;
  readonly faults: Faults;
}

const DAY_MS = 86_400_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const VERSION = /^[\x21-\x7e]{1,128}$/;
const HOST = /^\S+$/;

/** Reads and validates the whole configuration; throws one ConfigError that lists every bad variable. */
export function parseConfig(env: Env): Config {
  const r = new EnvReader(env);
  const config: Config = {
    port: r.integer('PORT', 3000, 0, 65535),
    host: r.matching('HOST', HOST, 'an address without spaces, e.g. 0.0.0.0 or 127.0.0.1', '0.0.0.0'),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    serviceName: r.matching('SERVICE_NAME', NAME, 'a name of 1-63 letters, digits, ".", "_" or "-"', 'hello'),
    appVersion: r.matching(
      'APP_VERSION',
      VERSION,
      'a version of 1-128 printable characters, no spaces',
      'dev',
    ),
    readyDelayMs: r.integer('READY_DELAY_MS', 0, 0, DAY_MS),
    shutdownDelayMs: r.integer('SHUTDOWN_DELAY_MS', 0, 0, DAY_MS),
    shutdownTimeoutMs: r.integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, DAY_MS),
    faults: {
      failRate: r.fraction('FAIL_RATE'),
      hangRate: r.fraction('HANG_RATE'),
      latencyMs: r.integer('LATENCY_MS', 0, 0, DAY_MS),
      crashOnStart: r.boolean('CRASH_ON_START'),
      neverReady: r.boolean('NEVER_READY'),
      crashAfterS: r.positiveSeconds('CRASH_AFTER_S'),
    },
  };
  // One random draw decides hang, fail or serve, so the two fractions must fit in one unit interval.
  const { failRate, hangRate } = config.faults;
  if (failRate + hangRate > 1) {
    r.problem('HANG_RATE', `a fraction with FAIL_RATE + HANG_RATE <= 1 (FAIL_RATE is ${failRate})`, 0);
  }
  r.throwIfProblems();
  return config;
}
