/**
 * The dashboard's HTTP routes, mountable in any `node:http` server (the local daemon's, or the
 * CLI's own for a cluster). Everything lives under `/dashboard`:
 *
 *   POST /dashboard/api/login-codes   (Authorization: Bearer <token>) → { code, path }   one-time login
 *   GET  /dashboard/login?code=C      → session cookie, then the page
 *   GET  /dashboard/                  → the page (a session is needed)
 *   GET  /dashboard/assets/app.{js,css}
 *   GET  /dashboard/api/stream        → Server-Sent Events: hello, state, sample
 *   GET  /dashboard/api/envs/:env/plan?kind=K[&to=N][&full=true]  → ActionPlan
 *   GET  /dashboard/api/envs/:env/diff?from=A&to=B                 → { diff }
 *   POST /dashboard/api/envs/:env/actions (x-slipway-csrf) ← ActionRequest → ActionResult
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { actionRequest, diffQuery, type HelloMessage, planQuery } from '../protocol.ts';
import type { DashboardSource } from '../source.ts';
import { ActionError, configDiff, planAction, runAction } from './actions.ts';
import { indexHtml, loadAssets } from './assets.ts';
import { loopbackHost, type Session, Sessions, sameSecret } from './auth.ts';
import { DashboardHub, type HubOptions } from './hub.ts';

export const BASE = '/dashboard';
const MAX_BODY = 64 * 1024;
const HEARTBEAT_MS = 15_000;
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export interface DashboardOptions {
  source: DashboardSource;
  /** The bearer token that may mint login codes (the daemon's token, or the CLI's own). */
  token: string;
  /** The port the hosting server listens on (for the Host check and the cookie name). */
  port: () => number;
  hub?: HubOptions;
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

export interface Dashboard {
  /** Handles the request when it is the dashboard's (returns true); leaves others alone. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  mintCode(): { code: string; path: string; expiresAt: number };
  start(): void;
  close(): Promise<void>;
}

class HttpFail extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createDashboard(opts: DashboardOptions): Dashboard {
  const sessions = new Sessions(opts.now ? { now: opts.now } : {});
  const hub = new DashboardHub(opts.source, opts.hub);
  const now = opts.now ?? Date.now;
  const streams = new Set<ServerResponse>();
  const cookieName = () => `slipway_dashboard_${opts.port()}`;

  const mintCode = () => {
    const { code, expiresAt } = sessions.mintCode();
    return { code, expiresAt, path: `${BASE}/login?code=${code}` };
  };

  async function route(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (!loopbackHost(req, opts.port())) {
      throw new HttpFail(421, 'the dashboard answers only to 127.0.0.1, localhost or [::1] on its own port');
    }
    if (method === 'POST' && path === `${BASE}/api/login-codes`) {
      if (!sameSecret(req.headers.authorization ?? '', `Bearer ${opts.token}`)) {
        throw new HttpFail(401, 'minting a login link needs the daemon token (run slipway dashboard)');
      }
      return sendJson(res, 200, mintCode());
    }
    if (method === 'GET' && path === `${BASE}/login`) return login(req, res, url);
    if (method === 'GET' && path.startsWith(`${BASE}/assets/`))
      return asset(res, path.slice(BASE.length + 8));
    const session = sessions.fromRequest(req, cookieName());
    if (method === 'GET' && path === BASE) {
      if (!session) return sendHtml(res, 401, signInPage());
      return sendHtml(res, 200, indexHtml(BASE));
    }
    if (!session) throw new HttpFail(401, 'not signed in: open the link printed by slipway dashboard');
    if (method === 'GET' && path === `${BASE}/api/stream`) return stream(req, res, session);
    const m = /^\/dashboard\/api\/envs\/([a-z0-9-]{1,63})\/(plan|diff|actions)$/.exec(path);
    if (!m) throw new HttpFail(404, `no route ${method} ${path}`);
    const [, envName, what] = m as unknown as [string, string, string];
    const src = hub.source(envName);
    const state = hub.snapshot().environments.find((e) => e.name === envName);
    if (!src || !state) throw new HttpFail(404, `no environment ${envName} on this dashboard`);
    if (method === 'GET' && what === 'plan') {
      const q = parse(planQuery, Object.fromEntries(url.searchParams));
      const plan = await planAction(src, state, {
        kind: q.kind,
        ...(q.to !== undefined ? { to: q.to } : {}),
        full: q.full === 'true',
      });
      return sendJson(res, 200, plan);
    }
    if (method === 'GET' && what === 'diff') {
      const q = parse(diffQuery, Object.fromEntries(url.searchParams));
      return sendJson(res, 200, { diff: await configDiff(src, q.from, q.to) });
    }
    if (method === 'POST' && what === 'actions') {
      if (!sameSecret(String(req.headers['x-slipway-csrf'] ?? ''), session.csrf)) {
        throw new HttpFail(403, 'missing or wrong x-slipway-csrf header: reload the page');
      }
      const body = parse(actionRequest, await readBody(req));
      opts.log?.('dashboard action', { environment: envName, kind: body.kind, to: body.to });
      const result = await runAction(src, state, body, now());
      void hub.tick(); // the page sees the effect at once, not at the next second
      return sendJson(res, 200, result);
    }
    throw new HttpFail(405, `${method} is not allowed on ${path}`);
  }

  function login(_req: IncomingMessage, res: ServerResponse, url: URL): void {
    const session = sessions.redeem(url.searchParams.get('code') ?? '');
    if (!session) {
      sendHtml(res, 401, signInPage('This login link was used already or has expired.'));
      return;
    }
    res.writeHead(303, {
      ...SECURITY_HEADERS,
      location: `${BASE}/`,
      'set-cookie': `${cookieName()}=${session.id}; HttpOnly; SameSite=Strict; Path=${BASE}`,
    });
    res.end();
  }

  async function asset(res: ServerResponse, name: string): Promise<void> {
    if (name !== 'app.js' && name !== 'app.css') throw new HttpFail(404, `no asset ${name}`);
    const assets = await loadAssets();
    const type = name.endsWith('.js') ? 'text/javascript' : 'text/css';
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': `${type}; charset=utf-8` });
    res.end(assets[name]);
  }

  function stream(req: IncomingMessage, res: ServerResponse, session: Session): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const hello: HelloMessage = { ...hub.snapshot(), csrf: session.csrf };
    send('hello', hello);
    const off = hub.subscribe((m) => {
      if (m.type === 'state') send('state', m.state);
      else send('sample', { environment: m.environment, point: m.point });
    });
    const beat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    beat.unref();
    streams.add(res);
    req.on('close', () => {
      off();
      clearInterval(beat);
      streams.delete(res);
    });
  }

  return {
    handle(req, res) {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`)) return false;
      route(req, res, url).catch((err: unknown) => {
        const status = err instanceof HttpFail || err instanceof ActionError ? err.status : 500;
        if (status === 500) opts.log?.('dashboard request failed', { url: req.url, error: String(err) });
        if (res.headersSent) return void res.end();
        sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
      });
      return true;
    },
    mintCode,
    start: () => hub.start(),
    async close() {
      for (const s of streams) s.end();
      streams.clear();
      await hub.stop();
    },
  };
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  throw new HttpFail(400, `bad request: ${issues.join('; ')}`);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new HttpFail(413, `request body larger than ${MAX_BODY} bytes`);
    chunks.push(c as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch (err) {
    throw new HttpFail(400, `request body is not JSON: ${(err as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
  res.end(text);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

function signInPage(problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Slipway — sign in</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>Slipway dashboard</h1>
<p>${problem ?? 'You are not signed in.'} Run <code>slipway dashboard</code> and open the one-time link it prints.</p>
</body></html>`;
}
