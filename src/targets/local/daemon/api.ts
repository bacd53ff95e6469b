/**
 * The control API (loopback only; every request needs `Authorization: Bearer <token>` from the
 * 0600 token file). Routes, all JSON:
 *
 *   GET  /v1/health                              → { pid, port, startedAt }
 *   GET  /v1/status                              → every environment: proxy port, weights, revisions, instances
 *   POST /v1/shutdown                            → stops every instance gracefully, then exits
 *   GET  /metrics                                → Prometheus text of every proxy, label `environment` added
 *   GET  /v1/envs/:env/observe                   → TargetObservation
 *   GET  /v1/envs/:env/metrics                   → Prometheus text of this environment's proxy
 *   POST /v1/envs/:env/revisions                 ← EnsureRequest
 *   POST /v1/envs/:env/traffic                   ← { weights }
 *   POST /v1/envs/:env/retire                    ← { release, drainMs }
 *   GET  /v1/envs/:env/changes?since=N&timeoutMs=M → { seq } once seq > N (long poll)
 *   GET  /v1/envs/:env/counts?releases=1,2       → release → { requests, errors, slow }
 *   POST /v1/envs/:env/lock                      ← { holder, ttlMs } → lease, or 409 { holder, expiresAt }
 *   POST /v1/envs/:env/lock/renew                ← { id, ttlMs }
 *   POST /v1/envs/:env/lock/release              ← { id }
 *   POST /v1/envs/:env/ledger/:method            ← { args: [...] } → { result }
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LockHeldError } from '../../../engine/target.ts';
import { LeaseLost } from '../state/lock.ts';
import type { Daemon, EnsureRequest } from './daemon.ts';
import { HttpError } from './environment.ts';
import { authorized, readJson, sendError, sendJson, sendText } from './http.ts';
import { mergeExpositions } from './metrics.ts';

const LEDGER_METHODS = new Set([
  'releases',
  'begin',
  'append',
  'events',
  'finish',
  'saveProgress',
  'loadProgress',
  'command',
  'commands',
]);
const MAX_POLL_MS = 60_000;

export async function handle(daemon: Daemon, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (!authorized(req, daemon.token)) {
      throw new HttpError(
        401,
        'missing or wrong bearer token: read it from the daemon.token file in the state folder',
      );
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (parts[0] === 'metrics' && method === 'GET')
      return sendText(res, 200, await metrics(daemon), 'text/plain; version=0.0.4');
    if (parts[0] !== 'v1') throw new HttpError(404, `no route ${method} ${url.pathname}`);
    if (parts.length === 2) return await global(daemon, method, parts[1]!, req, res);
    if (parts[1] === 'envs' && parts[2])
      return await perEnv(daemon, parts[2], method, parts.slice(3), url, req, res);
    throw new HttpError(404, `no route ${method} ${url.pathname}`);
  } catch (err) {
    if (err instanceof LockHeldError)
      return sendJson(res, 409, { error: err.message, holder: err.holder, expiresAt: err.expiresAt });
    if (err instanceof LeaseLost) return sendJson(res, 409, { error: err.message, lost: true });
    if (!(err instanceof HttpError))
      daemon.log('request failed', { url: req.url, error: (err as Error).message });
    sendError(res, err);
  }
}

async function global(
  daemon: Daemon,
  method: string,
  what: string,
  req: IncomingMessage,
  res: ServerResponse,
) {
  if (what === 'health' && method === 'GET') {
    return sendJson(res, 200, { pid: process.pid, port: daemon.port, startedAt: daemon.startedAt });
  }
  if (what === 'status' && method === 'GET') {
    return sendJson(res, 200, {
      pid: process.pid,
      port: daemon.port,
      startedAt: daemon.startedAt,
      stateDir: daemon.paths.root,
      environments: daemon.environments().map((e) => ({
        ...e.status(),
        ...(daemon.restoreErrors.has(e.name) ? { restoreError: daemon.restoreErrors.get(e.name) } : {}),
      })),
    });
  }
  if (what === 'shutdown' && method === 'POST') {
    await readJson(req);
    sendJson(res, 202, { stopping: true });
    await daemon.shutdown();
    return;
  }
  throw new HttpError(404, `no route ${method} /v1/${what}`);
}

async function perEnv(
  daemon: Daemon,
  name: string,
  method: string,
  rest: string[],
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const route = `${method} ${rest.join('/')}`;
  if (route === 'GET observe') return sendJson(res, 200, daemon.environment(name).observe());
  if (route === 'GET metrics') {
    return sendText(
      res,
      200,
      (await daemon.environment(name).proxy?.metrics()) ?? '',
      'text/plain; version=0.0.4',
    );
  }
  if (route === 'GET changes') {
    const since = Number(url.searchParams.get('since') ?? -1);
    const timeoutMs = Math.min(Number(url.searchParams.get('timeoutMs') ?? 25_000), MAX_POLL_MS);
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    // A client that last talked to another daemon (this one restarted) is answered at once.
    const known = Number(url.searchParams.get('daemon') ?? 0);
    const wait = known && known !== daemon.startedAt ? 0 : timeoutMs;
    const seq = await daemon.environment(name).waitForChange(since, wait, gone.signal);
    return sendJson(res, 200, { seq, startedAt: daemon.startedAt });
  }
  if (route === 'GET counts') {
    const releases = (url.searchParams.get('releases') ?? '').split(',').filter(Boolean).map(Number);
    return sendJson(res, 200, await daemon.environment(name).counts(releases));
  }
  const body = method === 'POST' ? await readJson(req) : {};
  switch (route) {
    case 'POST revisions':
      await daemon.ensure(name, body as unknown as EnsureRequest);
      return sendJson(res, 200, daemon.environment(name).observe());
    case 'POST traffic':
      daemon.environment(name).setTraffic(body.weights as Record<string, number>);
      return sendJson(res, 200, daemon.environment(name).observe());
    case 'POST retire':
      await daemon.environment(name).retire(Number(body.release), Number(body.drainMs ?? 0));
      return sendJson(res, 200, daemon.environment(name).observe());
    case 'POST lock':
      return sendJson(res, 200, await daemon.leases.acquire(name, String(body.holder), Number(body.ttlMs)));
    case 'POST lock/renew':
      return sendJson(res, 200, await daemon.leases.renew(name, String(body.id), Number(body.ttlMs)));
    case 'POST lock/release':
      await daemon.leases.release(name, String(body.id));
      return sendJson(res, 200, {});
  }
  if (method === 'POST' && rest[0] === 'ledger' && rest[1] && LEDGER_METHODS.has(rest[1])) {
    const ledger = daemon.ledger(name);
    const args = Array.isArray(body.args) ? body.args : [];
    const fn = ledger[rest[1] as 'releases'] as (...a: unknown[]) => Promise<unknown>;
    const result = await fn.apply(ledger, args);
    if (rest[1] === 'finish' && args[1] === 'promoted') daemon.environment(name).stable = Number(args[0]);
    return sendJson(res, 200, { result: result ?? null });
  }
  throw new HttpError(404, `no route ${method} /v1/envs/${name}/${rest.join('/')}`);
}

async function metrics(daemon: Daemon): Promise<string> {
  const texts = await Promise.all(
    daemon
      .environments()
      .map(async (e): Promise<[string, string]> => [e.name, (await e.proxy?.metrics()) ?? '']),
  );
  return mergeExpositions(texts);
}
