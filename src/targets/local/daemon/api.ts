/**
 * The control API's front door (loopback only; every request needs `Authorization: Bearer <token>`
 * from the 0600 token file): find the route in `protocol/routes.ts`, parse each part of the request
 * with the route's schema (a bad shape is a 400 that names the field), refuse environments the
 * daemon does not know (404), then call the route's handler. The routes are listed in
 * docs/local-target.md.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { LockHeldError } from '../../../engine/target.ts';
import { LedgerLostError } from '../state/ledger.ts';
import { LeaseLost, LockDamagedError } from '../state/lock.ts';
import { HttpError } from './environment.ts';
import { HANDLERS } from './handlers.ts';
import { authorized, readJson, sendError, sendJson, sendText } from './http.ts';
import { type InputOf, matchRoute, type RouteDef, type RouteName } from './protocol/routes.ts';
import type { ServedDaemon } from './served.ts';

export async function handle(daemon: ServedDaemon, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (!authorized(req, daemon.token)) {
      throw new HttpError(
        401,
        'missing or wrong bearer token: read it from the daemon.token file in the state folder',
      );
    }
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = matchRoute(method, url.pathname);
    if (match.kind === 'none') throw new HttpError(404, `no route ${method} ${url.pathname}`);
    if (match.kind === 'method') {
      res.setHeader('allow', match.allowed.join(', '));
      throw new HttpError(
        405,
        `${method} is not allowed on ${url.pathname}: use ${match.allowed.join(' or ')}`,
      );
    }
    const where = `${method} ${url.pathname}`;
    const input = {
      params: parsePart(match.def.params, match.params, 'path', where),
      query: parsePart(match.def.query, Object.fromEntries(url.searchParams), 'query', where),
      body: match.def.body ? parsePart(match.def.body, await readJson(req), 'body', where) : undefined,
    };
    const env = (input.params as { env?: string } | undefined)?.env;
    if (env !== undefined && match.name !== 'open') daemon.requireEnvironment(env);
    // After a restart, nothing about an environment is answered half restored.
    if (env !== undefined) await daemon.adopted(env);
    const handler = HANDLERS[match.name] as (
      d: ServedDaemon,
      i: InputOf<RouteName>,
      x: { req: IncomingMessage; res: ServerResponse },
    ) => Promise<unknown> | unknown;
    const answer = await handler(daemon, input as InputOf<RouteName>, { req, res });
    if (res.headersSent) return;
    if (match.def.text) sendText(res, 200, String(answer), 'text/plain; version=0.0.4');
    else sendJson(res, 200, answer);
  } catch (err) {
    if (res.headersSent) return;
    if (err instanceof LockHeldError)
      return sendJson(res, 409, { error: err.message, holder: err.holder, expiresAt: err.expiresAt });
    if (err instanceof LeaseLost) return sendJson(res, 409, { error: err.message, lost: true });
    // Damaged state: the message names the file and the fix; no stack, no 500.
    if (err instanceof LedgerLostError || err instanceof LockDamagedError)
      return sendJson(res, 409, { error: err.message, file: err.file });
    if (!(err instanceof HttpError))
      daemon.log('request failed', { url: req.url, error: (err as Error).message });
    const storage = storageProblem(err, daemon.paths?.root);
    if (storage) return sendJson(res, 507, { error: storage });
    sendError(res, err);
  }
}

/**
 * A write the state folder's file system refused (found by the fault campaign: the bare
 * `ENOSPC: no space left on device, write` named neither the folder nor the fix).
 */
export function storageProblem(err: unknown, root = 'the state folder'): string | undefined {
  const e = err as NodeJS.ErrnoException;
  const where = e.path && !e.message.includes(e.path) ? ` (${e.path})` : '';
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT')
    return `the file system of ${root} is full: ${e.message}${where}. Users are still served by the last promoted release. Fix: free space there (df -h ${root}), then run the command again`;
  if (e.code === 'EROFS')
    return `${root} is on a read-only file system: ${e.message}${where}. Users are still served by the last promoted release. Fix: remount it read-write (or move the state folder with --state-dir), then run the command again`;
  return undefined;
}

/**
 * Parses one part of a request. Parts a route does not declare must be empty, so a misspelled
 * query parameter is an error rather than silently ignored.
 */
function parsePart(
  schema: RouteDef['params'],
  value: Record<string, unknown>,
  part: 'path' | 'query' | 'body',
  where: string,
): unknown {
  if (!schema) {
    const extra = Object.keys(value);
    if (part === 'query' && extra.length) {
      throw new HttpError(
        400,
        `invalid request to ${where}: query.${extra[0]}: ${where} takes no query parameters`,
        {
          field: `query.${extra[0]}`,
        },
      );
    }
    return undefined;
  }
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => describeIssue(issue, part));
  const first = problems[0]!;
  // A bad environment name in the path is a 400 too: it would become a file name.
  throw new HttpError(400, `invalid request to ${where}: ${first.field}: ${first.message}`, {
    field: first.field,
    problems,
  });
}

function describeIssue(issue: z.core.$ZodIssue, part: string): { field: string; message: string } {
  const path = [part === 'path' ? 'path' : part, ...issue.path.map(String)];
  if (issue.code === 'unrecognized_keys') {
    return {
      field: [...path, issue.keys[0]].join('.'),
      message: `is not a known field (known: see docs/local-target.md)`,
    };
  }
  return { field: path.join('.'), message: issue.message };
}
