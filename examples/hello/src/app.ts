import { hostname } from 'node:os';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AccessLog } from './access-log.ts';
import type { Config } from './config.ts';
import { faultHook } from './faults.ts';
import { createMetrics, instrument, type Metrics } from './metrics.ts';
import { Readiness } from './readiness.ts';

export interface AppOptions {
  readonly config: Config;
  /** The pino logger; Fastify gives each request a child of it. */
  readonly logger: FastifyBaseLogger;
  /** Identifies this process in responses. Default: `<hostname>-<pid>`. */
  readonly instanceId?: string;
  /** Source of the fault draws, uniform in [0, 1). Default `Math.random`; tests pass a seeded one. */
  readonly random?: () => number;
  /** Default: a new one in state `starting`; the caller marks it ready and draining. */
  readonly readiness?: Readiness;
  /** Process metrics in `/metrics`. Default true. */
  readonly defaultMetrics?: boolean;
}

export interface App {
  readonly fastify: FastifyInstance;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  readonly instanceId: string;
}

/** Builds the service with all its routes; does not listen. */
export function buildApp(options: AppOptions): App {
  const { config } = options;
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const readiness = options.readiness ?? new Readiness();
  const metrics = createMetrics({
    serviceName: config.serviceName,
    appVersion: config.appVersion,
    defaultMetrics: options.defaultMetrics ?? true,
  });
  const fastify = Fastify({
    loggerInstance: options.logger,
    logController: new AccessLog(),
    // While draining, every response closes its connection (below), so the few requests that still
    // arrive on a busy keep-alive connection after the listener closes are served rather than refused.
    return503OnClosing: false,
  });
  instrument(fastify, metrics);

  fastify.addHook('onSend', async (request, reply, payload) => {
    if (readiness.isDraining && request.raw.httpVersionMajor === 1) reply.header('connection', 'close');
    return payload;
  });

  const faults = faultHook(config.faults, options.random ?? Math.random);
  fastify.get('/', { preHandler: faults }, async () => ({
    service: config.serviceName,
    version: config.appVersion,
    instance: instanceId,
  }));
  // PUT is the idempotent write (RFC 9110): a proxy may retry it; POST is not retried.
  fastify.post('/echo', { preHandler: faults }, async (request) => request.body ?? null);
  fastify.put('/echo', { preHandler: faults }, async (request) => request.body ?? null);

  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_request, reply) => {
    reply.code(readiness.isReady ? 200 : 503);
    return { status: readiness.state };
  });
  fastify.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  return { fastify, readiness, metrics, instanceId };
}
