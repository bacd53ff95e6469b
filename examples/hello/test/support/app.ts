import { pino } from 'pino';
import { type App, type AppOptions, buildApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config.ts';

export interface RunningApp {
  readonly app: App;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the app from environment variables (through the real config parser) and listens on a free port of
 * 127.0.0.1. Logs are silent and process metrics off unless asked for.
 */
export async function listenApp(
  env: Record<string, string> = {},
  options: Partial<Omit<AppOptions, 'config'>> = {},
): Promise<RunningApp> {
  const config = parseConfig({ LOG_LEVEL: 'silent', ...env });
  const app = buildApp({
    config,
    logger: pino({ level: config.logLevel }),
    defaultMetrics: false,
    instanceId: 'test-instance',
    ...options,
  });
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = app.fastify.server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      app.fastify.server.closeAllConnections();
      await app.fastify.close();
    },
  };
}

/**
 * A small seeded PRNG (mulberry32) so statistical fault tests give the same draws on every run. The
 * repository has one in test/support too; this package keeps its own so it stays self-contained.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Value of one sample in Prometheus text format, matched by metric name and a label subset. */
export function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{([^}]*)\} (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}
