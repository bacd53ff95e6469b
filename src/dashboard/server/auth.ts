/**
 * Who may see the dashboard: whoever holds a one-time login code. `slipway dashboard` mints one
 * (with the daemon's token, or in its own process for a cluster) and prints it as a link; opening
 * the link trades the code for a session cookie (HttpOnly, SameSite=Strict, named after the port so
 * two dashboards on one machine do not share it). Every change the page asks for also carries the
 * session's CSRF token in a header, and every request must name a loopback Host (no DNS rebinding).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface Session {
  id: string;
  csrf: string;
  expiresAt: number;
}

export interface SessionOptions {
  /** How long a printed login link works; default 10 minutes. */
  codeTtlMs?: number;
  /** How long a session lasts without use; default 12 hours. */
  sessionTtlMs?: number;
  now?: () => number;
}

const token = () => randomBytes(24).toString('base64url');

export class Sessions {
  readonly #codes = new Map<string, number>();
  readonly #sessions = new Map<string, Session>();
  readonly #codeTtl: number;
  readonly #sessionTtl: number;
  readonly #now: () => number;

  constructor(opts: SessionOptions = {}) {
    this.#codeTtl = opts.codeTtlMs ?? 10 * 60_000;
    this.#sessionTtl = opts.sessionTtlMs ?? 12 * 3600_000;
    this.#now = opts.now ?? Date.now;
  }

  mintCode(): { code: string; expiresAt: number } {
    this.#sweep();
    const code = token();
    const expiresAt = this.#now() + this.#codeTtl;
    this.#codes.set(code, expiresAt);
    return { code, expiresAt };
  }

  /** Trades a code for a new session; a code works once, and not after it expired. */
  redeem(code: string): Session | undefined {
    const expiresAt = this.#codes.get(code);
    this.#codes.delete(code);
    if (expiresAt === undefined || expiresAt < this.#now()) return undefined;
    const session: Session = { id: token(), csrf: token(), expiresAt: this.#now() + this.#sessionTtl };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session named by the request's cookie (its expiry slides forward on use). */
  fromRequest(req: IncomingMessage, cookieName: string): Session | undefined {
    const id = readCookie(req.headers.cookie, cookieName);
    const s = id === undefined ? undefined : this.#sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt < this.#now()) {
      this.#sessions.delete(s.id);
      return undefined;
    }
    s.expiresAt = this.#now() + this.#sessionTtl;
    return s;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [c, exp] of this.#codes) if (exp < now) this.#codes.delete(c);
    for (const [id, s] of this.#sessions) if (s.expiresAt < now) this.#sessions.delete(id);
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Only loopback names on our own port: a page on another site that rebinds its name to 127.0.0.1 is refused. */
export function loopbackHost(req: IncomingMessage, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host);
}
