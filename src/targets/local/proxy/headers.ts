/**
 * Header rewriting for one hop: hop-by-hop headers stay on their connection (RFC 9110 §7.6.1), and the
 * upstream learns who asked through X-Forwarded-For/-Proto/-Host. One pass over `rawHeaders` collects
 * everything routing needs, so the request path never builds `req.headers`.
 */
import type { IncomingMessage } from 'node:http';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // Node answers `Expect: 100-continue` itself before the request reaches the proxy.
  'expect',
]);
const FORWARDED = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

export interface ParsedRequest {
  /** Flat [name, value, …] list for the upstream. */
  headers: string[];
  host: string;
  cookie: string;
  /** Value of the pin header, '' when absent. */
  pin: string;
  contentLength: number;
  chunked: boolean;
  /**
   * Why the request is malformed and must be answered 400 without reaching any revision ('' when it is
   * fine): the client's own mistake is evidence against nobody.
   */
  problem: string;
}

/**
 * @param pinHeader lower-case name of the pin header.
 * @param keepUpgrade keep `Connection`/`Upgrade` (for a WebSocket handshake, which needs them).
 */
export function parseRequest(req: IncomingMessage, pinHeader: string, keepUpgrade: boolean): ParsedRequest {
  const raw = req.rawHeaders;
  const headers: string[] = [];
  let host = '';
  let cookie = '';
  let pin = '';
  let forwardedFor = '';
  let contentLength = -1;
  let chunked = false;
  let hosts = 0;
  let dropped: Set<string> | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (lower === 'host') {
      hosts++;
      host = value;
    } else if (lower === 'cookie') cookie = cookie === '' ? value : `${cookie}; ${value}`;
    else if (lower === pinHeader) pin = value;
    else if (lower === 'content-length') contentLength = Number(value);
    else if (lower === 'transfer-encoding') chunked = true;
    else if (lower === 'connection' && !keepUpgrade) {
      dropped ??= new Set();
      for (const token of value.split(',')) dropped.add(token.trim().toLowerCase());
    }
    if (lower === 'x-forwarded-for') {
      forwardedFor = forwardedFor === '' ? value : `${forwardedFor}, ${value}`;
      continue;
    }
    if (FORWARDED.has(lower)) continue;
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    headers.push(name, value);
  }
  if (dropped !== undefined) {
    for (let i = headers.length - 2; i >= 0; i -= 2) {
      if (dropped.has(headers[i]!.toLowerCase())) headers.splice(i, 2);
    }
  }
  const client = req.socket.remoteAddress ?? '';
  headers.push(
    'x-forwarded-for',
    forwardedFor === '' ? client : `${forwardedFor}, ${client}`,
    'x-forwarded-proto',
    'http',
  );
  if (host !== '') headers.push('x-forwarded-host', host);
  // RFC 9112 §3.2: a request with more than one Host is invalid (forwarded, the upstream refuses it).
  const problem = hosts > 1 ? `the request has ${hosts} Host headers; send exactly one` : '';
  return { headers, host, cookie, pin, contentLength, chunked, problem };
}

/** Removes hop-by-hop headers from an upstream response (undici's parsed, lower-cased form). */
export function responseHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[] | undefined> {
  const connection = headers.connection;
  if (connection !== undefined) {
    for (const token of String(connection).split(',')) delete headers[token.trim().toLowerCase()];
  }
  for (const name of HOP_BY_HOP) delete headers[name];
  return headers;
}

/** Value of one cookie in a Cookie header, '' when absent. */
export function cookieValue(cookieHeader: string, name: string): string {
  if (cookieHeader === '') return '';
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return '';
}
