import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Faults } from './config.ts';

export type FaultDecision = 'hang' | 'fail' | 'serve';

/**
 * One uniform draw in [0, 1) picks the outcome: [0, hangRate) hangs, [hangRate, hangRate + failRate) fails,
 * the rest is served. With rates 0 and 1 the outcome is certain, which keeps tests deterministic.
 */
export function decideFault(faults: Pick<Faults, 'failRate' | 'hangRate'>, draw: number): FaultDecision {
  if (draw < faults.hangRate) return 'hang';
  if (draw < faults.hangRate + faults.failRate) return 'fail';
  return 'serve';
}

/** A preHandler hook for the application routes that applies the configured request faults. */
export function faultHook(faults: Faults, random: () => number) {
  const active = faults.failRate > 0 || faults.hangRate > 0 || faults.latencyMs > 0;
  return async function injectFaults(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> {
    if (!active) return undefined;
    const decision = decideFault(faults, random());
    if (decision === 'hang') {
      request.log.debug('fault: leaving this request unanswered (HANG_RATE)');
      // Never settles; the request ends only when the client gives up or the process exits.
      await new Promise<never>(() => {});
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (decision === 'fail') {
      reply.code(500).send({ error: 'injected failure', reason: `FAIL_RATE=${faults.failRate}` });
      // Returning the reply tells Fastify the answer is already sent.
      return reply;
    }
    return undefined;
  };
}
