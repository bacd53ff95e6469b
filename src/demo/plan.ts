/**
 * The demo's three releases as in-memory overlays on the resolved `development` environment of
 * examples/hello (the user's files are never written): v1 rolls out, v2 is a healthy canary that is
 * promoted automatically, v3 is a canary that fails part of its requests and is rolled back.
 */
import type { ResolvedConfig } from '../config/index.ts';
import { resolvedSchema } from '../config/schema/index.ts';

export interface DemoRelease {
  version: string;
  strategy: 'rolling' | 'canary';
  /** Fault knobs of examples/hello for this release (FAIL_RATE, HANG_RATE…). */
  faults: Record<string, string>;
  /** What the demo expects; a different outcome is reported, and makes the demo exit non-zero. */
  expect: 'promoted' | 'rolled-back';
}

export const DEMO_RELEASES: DemoRelease[] = [
  { version: '1.0.0', strategy: 'rolling', faults: {}, expect: 'promoted' },
  { version: '2.0.0', strategy: 'canary', faults: {}, expect: 'promoted' },
  { version: '3.0.0', strategy: 'canary', faults: { FAIL_RATE: '0.3' }, expect: 'rolled-back' },
];

export interface OverlayOptions {
  port: number;
  /** Canary ramp: weights and how long each is held while analysis runs continuously. */
  canary?: { weights: number[]; holdMs: number };
}

/**
 * The overlay for one demo release. Besides version and faults it keeps the example's own build (an
 * esbuild bundle: offline, and the packed artifact is self-contained, so a fresh clone works), uses a
 * free proxy port, and lets the proxy retry the demo's writes, which are PUTs (idempotent, RFC 9110) —
 * the proxy may only retry requests the config says are safe to repeat. The overlay is validated by the
 * same schema as slipway.yaml: the demo runs nothing a user could not write.
 */
export function demoOverlay(
  base: ResolvedConfig,
  release: DemoRelease,
  opts: OverlayOptions,
): ResolvedConfig {
  const config = structuredClone(base) as ResolvedConfig & Record<string, unknown>;
  config.env = { ...(config.env ?? {}), APP_VERSION: release.version, LOG_LEVEL: 'warn', ...release.faults };
  const proxy = config.proxy as ResolvedConfig['proxy'] & Record<string, unknown>;
  proxy.port = opts.port;
  proxy.drainTimeout = '2s';
  proxy.retry = { ...proxy.retry, methods: [...new Set([...proxy.retry.methods, 'PUT'])] };
  const ramp = opts.canary ?? { weights: [10, 50], holdMs: 5000 };
  const hold = `${Math.round(ramp.holdMs / 1000)}s`;
  config.strategy = (
    release.strategy === 'rolling'
      ? { rolling: { maxSurge: 1, maxUnavailable: 0 } }
      : {
          canary: {
            steps: ramp.weights.flatMap((w) => [{ setWeight: w }, { pause: { duration: hold } }]),
            continuousAnalysis: true,
          },
        }
  ) as ResolvedConfig['strategy'];
  return resolvedSchema.parse(config);
}
