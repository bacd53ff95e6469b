import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, it } from 'node:test';
import { proxy } from './upstreams.ts';

/** Unmasked server→client text frame (payloads under 126 bytes). */
const textFrame = (text: string) =>
  Buffer.concat([Buffer.from([0x81, Buffer.byteLength(text)]), Buffer.from(text)]);

/** Decodes one masked client→server frame (payloads under 126 bytes). */
function readClientFrame(frame: Buffer): { opcode: number; text: string } {
  const length = frame[1]! & 0x7f;
  const mask = frame.subarray(2, 6);
  const payload = Buffer.from(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]!));
  return { opcode: frame[0]! & 0x0f, text: payload.toString() };
}

/** A minimal WebSocket upstream (RFC 6455 handshake) that greets, then echoes text frames upper-cased. */
async function wsUpstream(name: string): Promise<{ server: Server; port: number; forwardedFor: string[] }> {
  const forwardedFor: string[] = [];
  const server = createServer((_req, res) => res.end('plain http'));
  server.on('upgrade', (req, socket: Socket) => {
    forwardedFor.push(String(req.headers['x-forwarded-for']));
    const accept = createHash('sha1')
      .update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.write(textFrame(`hello from ${name}`));
    socket.on('data', (frame: Buffer) => {
      const { opcode, text } = readClientFrame(frame);
      if (opcode === 0x8) socket.end(Buffer.from([0x88, 0]));
      else socket.write(textFrame(text.toUpperCase()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, forwardedFor };
}

describe('WebSocket pass-through', () => {
  it('carries a real WebSocket session both ways to the routed revision', async () => {
    const blue = await wsUpstream('blue');
    const p = await proxy();
    try {
      p.setRoutes({
        revisions: [{ id: 'blue', instances: [{ host: '127.0.0.1', port: blue.port }] }],
        weights: { blue: 100 },
      });
      const ws = new WebSocket(`ws://127.0.0.1:${p.port}/chat`);
      const messages: string[] = [];
      await new Promise<void>((resolve, reject) => {
        ws.addEventListener('error', () => reject(new Error('websocket error')));
        ws.addEventListener('message', (event) => {
          messages.push(String(event.data));
          if (messages.length === 1) ws.send('ping');
          else ws.close();
        });
        ws.addEventListener('close', () => resolve());
      });
      assert.deepEqual(messages, ['hello from blue', 'PING']);
      assert.equal(blue.forwardedFor[0], '127.0.0.1');
      // The tunnel counts as one request on its revision once both sides have closed.
      for (let i = 0; i < 500 && p.counts().blue!.requests === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.equal(p.counts().blue!.requests, 1);
      assert.equal(p.counts().blue!.inFlight, 0);
    } finally {
      await p.close();
      blue.server.closeAllConnections();
      blue.server.close();
    }
  });

  it('keeps a tunnel open across a switch, and closes it when its revision is drained', async () => {
    const blue = await wsUpstream('blue');
    const green = await wsUpstream('green');
    const p = await proxy();
    const at = (u: { port: number }) => [{ host: '127.0.0.1', port: u.port }];
    try {
      p.setRoutes({ revisions: [{ id: 'blue', instances: at(blue) }], weights: { blue: 100 } });
      const ws = new WebSocket(`ws://127.0.0.1:${p.port}/chat`);
      const closed = new Promise<void>((resolve) => ws.addEventListener('close', () => resolve()));
      await new Promise<void>((resolve) => ws.addEventListener('message', () => resolve(), { once: true }));
      p.setRoutes({ revisions: [{ id: 'green', instances: at(green) }], weights: { green: 100 } });
      const echoed = new Promise<string>((resolve) =>
        ws.addEventListener('message', (e) => resolve(String(e.data)), { once: true }),
      );
      ws.send('still here');
      assert.equal(await echoed, 'STILL HERE', 'the switch does not cut an open tunnel');
      assert.equal(p.counts().blue!.inFlight, 1);
      const drained = await p.drain('blue', 10_000);
      assert.deepEqual(drained, { drained: true, inFlight: 0 });
      await closed;
    } finally {
      await p.close();
      for (const u of [blue, green]) {
        u.server.closeAllConnections();
        u.server.close();
      }
    }
  });

  it('refuses an upgrade with 503 when no release is serving', async () => {
    const p = await proxy();
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${p.port}/chat`);
      const outcome = await new Promise<string>((resolve) => {
        ws.addEventListener('open', () => resolve('open'));
        ws.addEventListener('error', () => resolve('error'));
      });
      assert.equal(outcome, 'error');
    } finally {
      await p.close();
    }
  });
});
