/**
 * Process entry: `node src/server.ts`. Reads the configuration from the environment, listens, and shuts
 * down gracefully on SIGTERM/SIGINT. Exit codes: 0 clean shutdown, 1 crash or shutdown deadline passed,
 * 2 invalid configuration.
 */
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { type Config, ConfigError, parseConfig } from './config.ts';
import { shutdownOnSignal } from './shutdown.ts';

const EXIT_CRASH = 1;
const EXIT_BAD_CONFIG = 2;

function readConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`hello: ${err.message}\n`);
    process.exit(EXIT_BAD_CONFIG);
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const instanceId = `${hostname()}-${process.pid}`;
  const log = pino({
    level: config.logLevel,
    base: { service: config.serviceName, version: config.appVersion, instance: instanceId },
  });
  if (config.faults.crashOnStart) {
    log.fatal('CRASH_ON_START is set: exiting with code 1 before listening');
    process.exit(EXIT_CRASH);
  }

  const app = buildApp({ config, logger: log, instanceId });
  const timers: NodeJS.Timeout[] = [];
  const onSignal = shutdownOnSignal({
    app,
    log,
    delayMs: config.shutdownDelayMs,
    timeoutMs: config.shutdownTimeoutMs,
    onStart: () => {
      for (const timer of timers) clearTimeout(timer);
    },
    exit: (code) => process.exit(code),
  });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  try {
    await app.fastify.listen({ port: config.port, host: config.host });
  } catch (err) {
    log.fatal({ err, port: config.port, host: config.host }, 'cannot listen');
    process.exit(EXIT_CRASH);
  }
  const { port, address } = app.fastify.server.address() as AddressInfo;
  log.info({ port, host: address, faults: config.faults }, 'listening');
  // A signal during start-up already began the drain; no readiness or crash timer may start after it.
  if (app.readiness.isDraining) return;

  if (!config.faults.neverReady) {
    const becomeReady = () => {
      app.readiness.markReady();
      log.info({ readyDelayMs: config.readyDelayMs }, 'ready');
    };
    timers.push(setTimeout(becomeReady, config.readyDelayMs));
  }
  const { crashAfterS } = config.faults;
  if (crashAfterS !== undefined) {
    const crash = () => {
      log.fatal({ crashAfterS }, 'CRASH_AFTER_S elapsed: exiting with code 1');
      process.exit(EXIT_CRASH);
    };
    timers.push(setTimeout(crash, crashAfterS * 1000));
  }
}

await main();
