/**
 * Upgrade pass-through (WebSocket and any other `Upgrade:` protocol): the handshake request is replayed
 * to the upstream and from then on bytes are piped both ways untouched. The upstream's status line is
 * read from the first bytes it sends, for the counters.
 */
import type { IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Instance } from './routing.ts';

export interface TunnelRequest {
  req: IncomingMessage;
  socket: Socket;
  head: Buffer;
  /** Request headers for the upstream, `Connection`/`Upgrade` included. */
  headers: string[];
  instance: Instance;
}

export interface TunnelEvents {
  started(): void;
  /** Once, when both sides closed; status 0 when the upstream never answered. */
  finished(status: number, latencyMs: number): void;
}

export function openTunnel(
  t: TunnelRequest,
  open: { add(socket: Socket): unknown; delete(socket: Socket): unknown },
  events: TunnelEvents,
): void {
  const started = performance.now();
  const client = t.socket;
  const upstream = connect({ host: t.instance.host, port: t.instance.port });
  let status = 0;
  let latencyMs = 0;
  let finished = false;
  events.started();
  open.add(client);
  const finish = () => {
    if (finished) return;
    finished = true;
    open.delete(client);
    events.finished(status, latencyMs || performance.now() - started);
  };

  upstream.setNoDelay(true);
  client.setNoDelay(true);
  upstream.once('connect', () => {
    let head = `${t.req.method} ${t.req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < t.headers.length; i += 2) head += `${t.headers[i]}: ${t.headers[i + 1]}\r\n`;
    upstream.write(`${head}\r\n`);
    if (t.head.length > 0) upstream.write(t.head);
    client.pipe(upstream);
  });
  upstream.once('data', (chunk: Buffer) => {
    latencyMs = performance.now() - started;
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(chunk.subarray(0, 16).toString('latin1'));
    status = match ? Number(match[1]) : 502;
  });
  upstream.pipe(client);

  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (status === 0 && client.writable) {
      const body = `upstream ${t.instance.host}:${t.instance.port} refused the upgrade: ${error.code ?? error.message}\n`;
      status = 502;
      client.end(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else {
      client.destroy();
    }
  });
  client.on('error', () => upstream.destroy());
  upstream.on('close', () => client.destroySoon());
  client.on('close', () => {
    upstream.destroy();
    finish();
  });
}
