import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { App } from './app.ts';

export interface ShutdownOptions {
  readonly app: App;
  readonly log: FastifyBaseLogger;
  /** Keep serving this long after the signal (readiness already false) so load balancers notice. */
  readonly delayMs: number;
  /** Deadline for in-flight requests after the listener closes. */
  readonly timeoutMs: number;
  /** Called once at the first signal, e.g. to cancel start-up timers. */
  readonly onStart?: () => void;
  /** Ends the process. */
  readonly exit: (code: number) => void;
}

/**
 * Returns the signal handler. The first signal drains: readiness false at once, optional delay, then close
 * the listener (idle keep-alive connections are closed too, busy ones close after their response) and
 * wait for in-flight requests; exit 0 when all are answered, 1 if the deadline passes first.
 * A second SIGINT (Ctrl-C again) exits at once; a repeated SIGTERM is only logged.
 */
export function shutdownOnSignal(options: ShutdownOptions): (signal: NodeJS.Signals) => void {
  let started = false;
  return (signal) => {
    if (started) {
      if (signal === 'SIGINT') {
        options.log.warn({ signal }, 'shutdown: second SIGINT, exiting without waiting');
        options.exit(1);
      } else {
        options.log.info({ signal }, 'shutdown: already in progress');
      }
      return;
    }
    started = true;
    options.app.readiness.markDraining();
    options.onStart?.();
    options.log.info(
      { signal, delayMs: options.delayMs, timeoutMs: options.timeoutMs },
      'shutdown: readiness is now false',
    );
    drain(options).then(options.exit, (err: unknown) => {
      options.log.error({ err }, 'shutdown: failed');
      options.exit(1);
    });
  };
}

async function drain(options: ShutdownOptions): Promise<number> {
  const { app, log } = options;
  if (options.delayMs > 0) await sleep(options.delayMs);
  log.info(
    { inFlight: await inFlight(app) },
    'shutdown: closing the listener, waiting for in-flight requests',
  );
  const deadline = new AbortController();
  const closed = app.fastify.close().then(() => 'closed' as const);
  const expired = sleep(options.timeoutMs, 'expired' as const, { signal: deadline.signal }).catch(
    () => 'closed' as const,
  );
  const outcome = await Promise.race([closed, expired]);
  deadline.abort();
  if (outcome === 'expired') {
    log.error(
      { inFlight: await inFlight(app), timeoutMs: options.timeoutMs },
      'shutdown: deadline passed with requests still in flight; closing their connections',
    );
    app.fastify.server.closeAllConnections();
    return 1;
  }
  log.info('shutdown: complete');
  return 0;
}

async function inFlight(app: App): Promise<number> {
  const { values } = await app.metrics.inFlight.get();
  return values[0]?.value ?? 0;
}
