/**
 * Signed pins: a request carrying one is sent to the revision it names instead of the weighted choice.
 * Anyone can send a header, so a pin is honoured only when the proxy's own key signed it (HMAC-SHA256
 * over the revision and an expiry); the key never leaves the process that runs the proxy, and a new
 * proxy (a daemon restart) makes every older pin invalid. Pinned requests are never evidence: a client
 * that can choose where its requests go could otherwise fail a healthy candidate on purpose.
 *
 * A pin reads `<revision>.<expiry, unix seconds>.<signature, base64url>`: short enough for a cookie,
 * free of characters a cookie or header would need to quote.
 *
 * Two purposes sign under different domains, so one can never stand in for the other: `user` pins
 * (`slipway pin`, honoured only where `proxy.pinning.enabled`) and `check` pins, which the local target
 * asks the daemon for so an `analysis.queries` HTTP check sent through the proxy reaches the revision
 * it judges. Check pins are honoured even with pinning off: only a holder of the daemon token can get
 * one, they live minutes, and like every pinned request they are never traffic evidence.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh signing key (32 random bytes, base64url), one per proxy. */
export function newPinKey(): string {
  return randomBytes(32).toString('base64url');
}

export type PinPurpose = 'user' | 'check';

const DOMAIN: Record<PinPurpose, string> = { user: 'slipway-pin', check: 'slipway-check-pin' };

function signature(key: Buffer, revision: string, expiresSec: number, purpose: PinPurpose): Buffer {
  return createHmac('sha256', key).update(`${DOMAIN[purpose]}\u0000${revision}\u0000${expiresSec}`).digest();
}

/** A pin to `revision` valid until `expiresAtMs` (epoch ms, rounded down to the second). */
export function signPin(
  key: Buffer,
  revision: string,
  expiresAtMs: number,
  purpose: PinPurpose = 'user',
): string {
  const expiresSec = Math.floor(expiresAtMs / 1000);
  return `${revision}.${expiresSec}.${signature(key, revision, expiresSec, purpose).toString('base64url')}`;
}

/** The response header on every refused pin, so a check can tell "pin refused" from its app's own 404. */
export const PIN_REFUSED_HEADER = 'x-slipway-pin-refused';

/**
 * Whether `value` has the shape of a signed pin (revision, expiry, a 32-byte signature). With pinning
 * off the header is just a header, but one shaped like a pin was meant as one (a check pin signed by a
 * proxy that has since been replaced): it is refused, never silently routed by weight to stable.
 */
export function looksLikePin(value: string): boolean {
  return /^[^.]+\.\d{1,12}\.[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * The revision a pin names, or undefined when it is not one this key signed, is malformed or has
 * expired at `nowMs`. Callers answer every such case alike, so a prober learns nothing from the answer.
 */
export function verifyPin(
  key: Buffer,
  pin: string,
  nowMs: number,
  purpose: PinPurpose = 'user',
): string | undefined {
  const last = pin.lastIndexOf('.');
  const middle = last > 0 ? pin.lastIndexOf('.', last - 1) : -1;
  if (middle <= 0) return undefined;
  const revision = pin.slice(0, middle);
  const expiresText = pin.slice(middle + 1, last);
  if (!/^\d{1,12}$/.test(expiresText)) return undefined;
  const expiresSec = Number(expiresText);
  if (expiresSec * 1000 <= nowMs) return undefined;
  const given = Buffer.from(pin.slice(last + 1), 'base64url');
  const wanted = signature(key, revision, expiresSec, purpose);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return undefined;
  return revision;
}
