/**
 * The daemon's control API, one entry per route: method, path template, and the schema of each part
 * of the request (path parameters, query, body). The server (`../api.ts`) matches and parses
 * requests against this table; the client (`../client.ts`) builds them from it, so a route's path
 * and shape exist once. There is no reflective RPC: every ledger operation is its own route, and
 * nothing from a request reaches a file path without passing `environmentName` or `releaseNumber`.
 * docs/local-target.md lists the routes for people.
 */
import { z } from 'zod';
import {
  environmentName,
  ledgerEvent,
  operatorCommand,
  phase,
  progressMemo,
  proxySettings,
  releaseNumber,
  releaseParam,
  releaseRecord,
  revisionRuntime,
  weights,
} from './values.ts';

type Method = 'GET' | 'POST' | 'PUT';

export interface RouteDef {
  method: Method;
  /** `/v1/envs/:env/...`: `:name` segments are parameters, parsed with `params`. */
  path: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The answer is text (Prometheus exposition), not JSON. */
  text?: true;
}

const envParams = z.strictObject({ env: environmentName });
const releaseOf = z.strictObject({ env: environmentName, release: releaseParam });
const empty = z.strictObject({});
const holder = z.string().min(1).max(200);
const ttlMs = z
  .number()
  .int()
  .min(1)
  .max(24 * 3600 * 1000);
const numberParam = (what: string) =>
  z
    .string()
    .regex(/^-?[0-9]{1,16}$/, `${what}: a whole number`)
    .transform(Number);

export const ROUTES = {
  health: { method: 'GET', path: '/v1/health' },
  status: { method: 'GET', path: '/v1/status' },
  shutdown: { method: 'POST', path: '/v1/shutdown', body: empty },
  allMetrics: { method: 'GET', path: '/metrics', text: true },

  /** Declares an environment (idempotent); every other per-environment route 404s until then. */
  open: { method: 'PUT', path: '/v1/envs/:env', params: envParams, body: empty },
  observe: { method: 'GET', path: '/v1/envs/:env/observe', params: envParams },
  metrics: { method: 'GET', path: '/v1/envs/:env/metrics', params: envParams, text: true },
  ensure: {
    method: 'POST',
    path: '/v1/envs/:env/revisions',
    params: envParams,
    body: z.strictObject({
      runtime: revisionRuntime,
      proxy: proxySettings,
      replicas: z.number().int().min(0).max(1000),
      /** Values of `runtime.secrets` read from the CLI's environment. */
      secretValues: z.record(z.string(), z.string()).optional(),
    }),
  },
  traffic: {
    method: 'POST',
    path: '/v1/envs/:env/traffic',
    params: envParams,
    /** The whole split, and which revision is stable (where idempotent retries go). */
    body: z.strictObject({ weights, stable: releaseNumber.optional() }),
  },
  retire: {
    method: 'POST',
    path: '/v1/envs/:env/retire',
    params: envParams,
    body: z.strictObject({ release: releaseNumber, drainMs: z.number().int().min(0).max(3600_000) }),
  },
  changes: {
    method: 'GET',
    path: '/v1/envs/:env/changes',
    params: envParams,
    query: z.strictObject({
      since: numberParam('since').optional(),
      timeoutMs: numberParam('timeoutMs').optional(),
      /** The `startedAt` of the daemon the client last talked to: a restarted daemon answers at once. */
      daemon: numberParam('daemon').optional(),
    }),
  },
  counts: {
    method: 'GET',
    path: '/v1/envs/:env/counts',
    params: envParams,
    query: z.strictObject({
      releases: z
        .string()
        .regex(/^([1-9][0-9]{0,15}(,[1-9][0-9]{0,15})*)?$/, 'release numbers separated by commas')
        .transform((s) => (s ? s.split(',').map(Number) : [])),
    }),
  },
  lock: {
    method: 'POST',
    path: '/v1/envs/:env/lock',
    params: envParams,
    body: z.strictObject({ holder, ttlMs }),
  },
  renewLock: {
    method: 'POST',
    path: '/v1/envs/:env/lock/renew',
    params: envParams,
    body: z.strictObject({ id: z.uuid(), ttlMs }),
  },
  releaseLock: {
    method: 'POST',
    path: '/v1/envs/:env/lock/release',
    params: envParams,
    body: z.strictObject({ id: z.uuid() }),
  },

  /**
   * Signs a pin to a running release: a user pin (`slipway pin`, only where `proxy.pinning.enabled`),
   * or a check pin (`purpose: check`, at most 10 minutes) that the local target's HTTP analysis checks
   * carry so they reach the revision they judge (proxy/pins.ts).
   */
  pin: {
    method: 'POST',
    path: '/v1/envs/:env/pin',
    params: envParams,
    body: z
      .strictObject({
        release: releaseNumber,
        ttlMs: z
          .number()
          .int()
          .min(1000)
          .max(30 * 86_400_000),
        purpose: z.enum(['user', 'check']).optional(),
      })
      .refine((b) => b.purpose !== 'check' || b.ttlMs <= 600_000, {
        path: ['ttlMs'],
        message: 'a check pin lives at most 600000 ms (10 minutes)',
      }),
  },

  releases: { method: 'GET', path: '/v1/envs/:env/ledger/releases', params: envParams },
  begin: {
    method: 'POST',
    path: '/v1/envs/:env/ledger/releases',
    params: envParams,
    body: z.strictObject({ record: releaseRecord }),
  },
  finish: {
    method: 'POST',
    path: '/v1/envs/:env/ledger/releases/:release/finish',
    params: releaseOf,
    body: z.strictObject({ outcome: phase, reasons: z.array(z.string()), at: z.number() }),
  },
  events: {
    method: 'GET',
    path: '/v1/envs/:env/ledger/releases/:release/events',
    params: releaseOf,
  },
  append: {
    method: 'POST',
    path: '/v1/envs/:env/ledger/events',
    params: envParams,
    body: z.strictObject({ event: ledgerEvent }),
  },
  loadProgress: {
    method: 'GET',
    path: '/v1/envs/:env/ledger/releases/:release/progress',
    params: releaseOf,
  },
  saveProgress: {
    method: 'PUT',
    path: '/v1/envs/:env/ledger/releases/:release/progress',
    params: releaseOf,
    body: z.strictObject({ progress: progressMemo }),
  },
  commands: {
    method: 'GET',
    path: '/v1/envs/:env/ledger/releases/:release/commands',
    params: releaseOf,
  },
  command: {
    method: 'POST',
    path: '/v1/envs/:env/ledger/releases/:release/commands',
    params: releaseOf,
    body: z.strictObject({ command: operatorCommand }),
  },
} as const satisfies Record<string, RouteDef>;

export type RouteName = keyof typeof ROUTES;

type Part<R, K extends 'params' | 'query' | 'body'> =
  R extends Record<K, z.ZodType> ? z.input<R[K]> : undefined;
type Parsed<R, K extends 'params' | 'query' | 'body'> =
  R extends Record<K, z.ZodType> ? z.output<R[K]> : undefined;

/** What a client passes for route `N` (path parameters and query as strings, as they travel). */
export interface RequestOf<N extends RouteName> {
  params: Part<(typeof ROUTES)[N], 'params'>;
  query: Part<(typeof ROUTES)[N], 'query'>;
  body: Part<(typeof ROUTES)[N], 'body'>;
}

/** What a handler receives for route `N`, parsed. */
export interface InputOf<N extends RouteName> {
  params: Parsed<(typeof ROUTES)[N], 'params'>;
  query: Parsed<(typeof ROUTES)[N], 'query'>;
  body: Parsed<(typeof ROUTES)[N], 'body'>;
}

/** The URL path of a route with its parameters filled in (each one URL-encoded). */
export function pathOf(name: RouteName, params: Record<string, string> = {}): string {
  return ROUTES[name].path.replace(/:([a-z]+)/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`route ${name} needs the parameter ${key}`);
    return encodeURIComponent(value);
  });
}

interface Compiled {
  name: RouteName;
  def: RouteDef;
  segments: string[];
}

const COMPILED: Compiled[] = Object.entries(ROUTES).map(([name, def]) => ({
  name: name as RouteName,
  def,
  segments: def.path.split('/').filter(Boolean),
}));

export type Match =
  | { kind: 'route'; name: RouteName; def: RouteDef; params: Record<string, string> }
  /** The path exists, with other methods. */
  | { kind: 'method'; allowed: Method[] }
  | { kind: 'none' };

/** Finds the route of a request; path parameters are returned raw, for the route's schema to parse. */
export function matchRoute(method: string, pathname: string): Match {
  const parts = pathname.split('/').filter(Boolean);
  const allowed: Method[] = [];
  for (const c of COMPILED) {
    if (c.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = c.segments.every((seg, i) => {
      if (seg.startsWith(':')) {
        params[seg.slice(1)] = safeDecode(parts[i]!);
        return true;
      }
      return seg === parts[i];
    });
    if (!ok) continue;
    if (c.def.method === method) return { kind: 'route', name: c.name, def: c.def, params };
    allowed.push(c.def.method);
  }
  return allowed.length ? { kind: 'method', allowed } : { kind: 'none' };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
