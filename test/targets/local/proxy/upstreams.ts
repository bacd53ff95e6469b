/** Small real upstream servers for the proxy tests, each answering with its own name. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type ProxyOptions,
  startProxy,
  type TrafficProxy,
} from '../../../../src/targets/local/proxy/index.ts';

export interface Upstream {
  name: string;
  port: number;
  server: Server;
  /** Requests received, with their method, url, headers and body. */
  seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[];
  close(): Promise<void>;
}

export type Behaviour = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** Answers 200 with `name` unless `behaviour` decides otherwise. */
export async function upstream(name: string, behaviour?: Behaviour): Promise<Upstream> {
  const seen: Upstream['seen'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (behaviour) behaviour(req, res, body);
      else res.end(name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name,
    port,
    server,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const local = (u: Upstream) => ({ host: '127.0.0.1', port: u.port });

/** A revision of one instance per upstream. */
export function revision(id: string, ...instances: Upstream[]) {
  return { id, instances: instances.map(local) };
}

export function proxy(extra: Partial<ProxyOptions> = {}): Promise<TrafficProxy> {
  return startProxy({
    host: '127.0.0.1',
    port: 0,
    retry: { methods: ['GET', 'HEAD', 'OPTIONS'], budgetPercent: 20 },
    sticky: false,
    workers: 0,
    closeGraceMs: 500,
    ...extra,
  });
}

export async function get(
  p: TrafficProxy,
  path = '/',
  init: RequestInit = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(`http://127.0.0.1:${p.port}${path}`, init);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** Tally of response bodies. */
export function tally(bodies: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const b of bodies) out[b] = (out[b] ?? 0) + 1;
  return out;
}
