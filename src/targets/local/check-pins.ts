/**
 * Check pins for the local target's HTTP analysis checks (`analysis.queries` with `provider: http`).
 * The proxy honours only pins its daemon signed (proxy/pins.ts), so a check sent through the proxy
 * port carries one for the revision it judges. Pins are asked for once and reused until a minute
 * before they expire: a check every 500 ms must not cost a daemon round trip each time. One the proxy
 * refuses (a replaced proxy has a new key) is asked for again (providers/checks.ts).
 */
import type { CheckPin } from '../../providers/checks.ts';
import { DaemonClient } from './daemon/client.ts';
import { PIN_REFUSED_HEADER } from './proxy/pins.ts';

const TTL_MS = 5 * 60_000;
const RENEW_BEFORE_MS = 60_000;

export interface CheckPinOptions {
  /** The state folder the daemon serves. */
  root: string;
  environment: string;
  now?: () => number;
}

export function checkPins(
  opts: CheckPinOptions,
): (revision: number, o?: { fresh?: boolean }) => Promise<CheckPin> {
  const now = opts.now ?? Date.now;
  const held = new Map<number, CheckPin & { expiresAt: number }>();
  return async (revision, o = {}) => {
    const have = held.get(revision);
    // `fresh`: the proxy refused the one we hold (a new proxy, with a new key, after a keeper died).
    if (have && !o.fresh && have.expiresAt - now() > RENEW_BEFORE_MS) return have;
    const client = await DaemonClient.read(opts.root);
    if (!client) throw new Error(`no daemon serves ${opts.environment} (no daemon.json in ${opts.root})`);
    const issued = await client.call('pin', {
      params: { env: opts.environment },
      body: { release: revision, ttlMs: TTL_MS, purpose: 'check' },
    });
    const pin = {
      header: issued.header,
      value: issued.pin,
      refusedHeader: PIN_REFUSED_HEADER,
      expiresAt: issued.expiresAt,
    };
    held.set(revision, pin);
    return pin;
  };
}
