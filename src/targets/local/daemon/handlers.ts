/**
 * One function per route of the control API (`protocol/routes.ts`), each given its request already
 * parsed by the route's schema. Per-environment routes other than `open` reach here only for an
 * environment the daemon knows (`api.ts` answers 404 otherwise).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReleaseRecord } from '../../../engine/target.ts';
import { mergeExpositions } from './metrics.ts';
import type { AnswerOf } from './protocol/answers.ts';
import type { InputOf, RouteName } from './protocol/routes.ts';
import type { ServedDaemon } from './served.ts';

const MAX_POLL_MS = 60_000;
const DEFAULT_POLL_MS = 25_000;

export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
}

type Handler<N extends RouteName> = (
  daemon: ServedDaemon,
  input: InputOf<N>,
  exchange: Exchange,
) => Promise<AnswerOf<N>> | AnswerOf<N>;

export const HANDLERS: { [N in RouteName]: Handler<N> } = {
  health: (d) => d.info(),
  status: (d) => d.statusAnswer(),
  shutdown: (d, _, { res }) => {
    // Answer first: the shutdown closes this very server.
    res.once('finish', () => void d.shutdown());
    return { stopping: true };
  },
  allMetrics: async (d) =>
    mergeExpositions(
      await Promise.all(
        d
          .environments()
          .map(async (e): Promise<[string, string]> => [e.name, (await e.proxy?.metrics()) ?? '']),
      ),
    ),

  open: async (d, { params }) => {
    await d.openEnvironment(params.env);
    return { environment: params.env };
  },
  observe: (d, { params }) => d.environment(params.env).observe(),
  metrics: async (d, { params }) => (await d.environment(params.env).proxy?.metrics()) ?? '',
  ensure: async (d, { params, body }) => {
    await d.ensure(params.env, body);
    return d.environment(params.env).observe();
  },
  traffic: (d, { params, body }) => {
    const env = d.environment(params.env);
    env.setTraffic(body.weights, body.stable);
    return env.observe();
  },
  retire: async (d, { params, body }) => {
    const env = d.environment(params.env);
    await env.retire(body.release, body.drainMs);
    // Restore needs the stable release's values; a retired one never starts again.
    if (env.stable !== body.release) await d.secretStore.remove(params.env, body.release);
    return env.observe();
  },
  changes: async (d, { params, query }, { res }) => {
    const env = d.environment(params.env);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const timeoutMs = Math.max(0, Math.min(query.timeoutMs ?? DEFAULT_POLL_MS, MAX_POLL_MS));
    // A client that last talked to another daemon (this one restarted) is answered at once.
    const wait = query.daemon && query.daemon !== d.startedAt ? 0 : timeoutMs;
    const seq = await env.waitForChange(query.since ?? -1, wait, gone.signal);
    return { seq, startedAt: d.startedAt };
  },
  counts: (d, { params, query }) => d.environment(params.env).counts(query.releases),
  pin: (d, { params, body }) => d.environment(params.env).issuePin(body.release, body.ttlMs, body.purpose),
  lock: (d, { params, body }) => d.leases.acquire(params.env, body.holder, body.ttlMs),
  renewLock: (d, { params, body }) => d.leases.renew(params.env, body.id, body.ttlMs),
  releaseLock: async (d, { params, body }) => {
    await d.leases.release(params.env, body.id);
    return {};
  },

  releases: async (d, { params }) => {
    const ledger = d.ledger(params.env);
    return { releases: await ledger.releases(), problems: ledger.problems() };
  },
  begin: async (d, { params, body }) => {
    // The spec is the engine's own value: the schema checks it is plain JSON, the engine parses it.
    await d.ledger(params.env).begin(body.record as ReleaseRecord);
    return {};
  },
  finish: async (d, { params, body }) => {
    await d.ledger(params.env).finish(params.release, body.outcome, body.reasons, body.at);
    return {};
  },
  events: async (d, { params }) => ({ events: await d.ledger(params.env).events(params.release) }),
  append: async (d, { params, body }) => {
    await d.ledger(params.env).append(body.event);
    return {};
  },
  loadProgress: async (d, { params }) => {
    const progress = await d.ledger(params.env).loadProgress(params.release);
    return progress === undefined ? {} : { progress };
  },
  saveProgress: async (d, { params, body }) => {
    await d.ledger(params.env).saveProgress(params.release, body.progress);
    return {};
  },
  commands: async (d, { params }) => ({ commands: await d.ledger(params.env).commands(params.release) }),
  command: async (d, { params, body }) => {
    await d.ledger(params.env).command(params.release, body.command);
    return {};
  },
};
