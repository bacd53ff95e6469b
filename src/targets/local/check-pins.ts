/**
 * Check pins for the local target's HTTP analysis checks (`analysis.queries` with `provider: http`).
 * The proxy honours only pins its daemon signed (proxy/pins.ts), so a check sent through the proxy
 * port carries one for the revision it judges. Pins are asked for once and reused until a minute
 * before they expire: a check every 500 ms must not cost a daemon round trip each time.
 */
import { DaemonClient } from './daemon/client.ts';

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
): (revision: number) => Promise<{ header: string; value: string }> {
  const now = opts.now ?? Date.now;
  const held = new Map<number, { header: string; value: string; expiresAt: number }>();
  return async (revision) => {
    const have = held.get(revision);
    if (have && have.expiresAt - now() > RENEW_BEFORE_MS) return have;
    const client = await DaemonClient.read(opts.root);
    if (!client) throw new Error(`no daemon serves ${opts.environment} (no daemon.json in ${opts.root})`);
    const issued = await client.call('pin', {
      params: { env: opts.environment },
      body: { release: revision, ttlMs: TTL_MS, purpose: 'check' },
    });
    const pin = { header: issued.header, value: issued.pin, expiresAt: issued.expiresAt };
    held.set(revision, pin);
    return pin;
  };
}
