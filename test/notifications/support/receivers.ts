/**
 * Real HTTP receivers on 127.0.0.1 for the notification tests: a generic one that records every
 * request (and can be told to fail the first N), and a GitHub stand-in speaking the REST shapes of
 * the Deployments API as documented (create a deployment, list them, create a deployment status),
 * checking the headers and fields GitHub checks.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

async function listen(
  t: TestContext,
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
) {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((r) => server.close(() => r(undefined)));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** Records every request; answers `failFirst` of them with 503 (Retry-After: 0), then 200. */
export async function recorder(t: TestContext, opts: { failFirst?: number; answer?: string } = {}) {
  const received: Received[] = [];
  let failures = opts.failFirst ?? 0;
  const url = await listen(t, (req, res, body) => {
    received.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
      json: parse(body),
    });
    if (failures > 0) {
      failures--;
      res.writeHead(503, { 'retry-after': '0' });
      return res.end('try again');
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(opts.answer ?? 'ok');
  });
  return { url, received };
}

export interface FakeDeployment {
  id: number;
  ref: string;
  environment: string;
  payload: unknown;
  statuses: { state: string; description: string; environment?: string }[];
}

const STATES = new Set(['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']);

/** GitHub's Deployments endpoints for one repository and token. */
export async function fakeGitHub(t: TestContext, repository: string, token: string) {
  const deployments: FakeDeployment[] = [];
  const requests: Received[] = [];
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const url = await listen(t, (req, res, body) => {
    const json = parse(body) as Record<string, unknown> | undefined;
    requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
    if (req.headers.authorization !== `Bearer ${token}`)
      return reply(res, 401, { message: 'Bad credentials' });
    if (!String(req.headers.accept).includes('application/vnd.github'))
      return reply(res, 415, { message: 'Unsupported media type' });
    if (!req.headers['user-agent'])
      return reply(res, 403, { message: 'Request forbidden: a User-Agent header is required' });
    const u = new URL(req.url ?? '/', 'http://x');
    const prefix = `/repos/${repository}/deployments`;
    if (req.method === 'GET' && u.pathname === prefix) {
      const env = u.searchParams.get('environment');
      return reply(
        res,
        200,
        deployments
          .filter((d) => !env || d.environment === env)
          .reverse()
          .map((d) => ({ id: d.id, ref: d.ref, environment: d.environment, payload: d.payload })),
      );
    }
    if (req.method === 'POST' && u.pathname === prefix) {
      if (!json || typeof json.ref !== 'string') {
        return reply(res, 422, {
          message: 'Invalid request.',
          errors: [{ field: 'ref', code: 'missing_field' }],
        });
      }
      const d: FakeDeployment = {
        id: 1000 + deployments.length,
        ref: json.ref,
        environment: String(json.environment ?? 'production'),
        payload: json.payload ?? {},
        statuses: [],
      };
      deployments.push(d);
      return reply(res, 201, {
        id: d.id,
        url: `${url}${prefix}/${d.id}`,
        ref: d.ref,
        environment: d.environment,
        payload: d.payload,
      });
    }
    const m = new RegExp(`^${prefix}/(\\d+)/statuses$`).exec(u.pathname);
    if (req.method === 'POST' && m) {
      const d = deployments.find((x) => x.id === Number(m[1]));
      if (!d) return reply(res, 404, { message: 'Not Found' });
      const state = String(json?.state ?? '');
      const description = String(json?.description ?? '');
      if (!STATES.has(state) || description.length > 140) {
        return reply(res, 422, {
          message: 'Validation Failed',
          errors: [{ field: STATES.has(state) ? 'description' : 'state', code: 'invalid' }],
        });
      }
      d.statuses.push({
        state,
        description,
        ...(json?.environment ? { environment: String(json.environment) } : {}),
      });
      return reply(res, 201, { id: d.statuses.length, state, description });
    }
    reply(res, 404, { message: 'Not Found' });
  });
  return { url, deployments, requests };
}
