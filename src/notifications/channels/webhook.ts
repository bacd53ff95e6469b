/**
 * The generic webhook: a JSON POST per event. With a secret, the exact body bytes are signed with
 * HMAC-SHA256 in `x-slipway-signature-256: sha256=<hex>` (as GitHub signs its webhooks), so a
 * receiver can check the message came from whoever holds the key. `x-slipway-delivery` is the same
 * on every retry of one notice, so a receiver can drop duplicates.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { type DeliveryOptions, send } from '../deliver.ts';
import type { ReleaseNotice } from '../notice.ts';
import { render } from '../template.ts';
import { type Channel, USER_AGENT } from './channel.ts';

export interface WebhookPayload {
  type: 'slipway.release';
  event: ReleaseNotice['event'];
  service: string;
  environment: string;
  release: number;
  digest: string;
  strategy: string;
  outcome: string | null;
  /** ISO 8601. */
  at: string;
  /** The rendered template (default: "hello production release 5 rolled back: …"). */
  message: string;
  text: string;
  reasons: string[];
  weights: Record<string, number> | null;
  evidence: Record<string, number> | null;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function webhookChannel(
  opts: { url: string; secret?: string; template: string },
  delivery: DeliveryOptions = {},
): Channel {
  const origin = new URL(opts.url);
  return {
    label: `webhook ${origin.origin}${origin.pathname}`,
    async deliver(n) {
      const payload: WebhookPayload = {
        type: 'slipway.release',
        event: n.event,
        service: n.service,
        environment: n.environment,
        release: n.release,
        digest: n.digest,
        strategy: n.strategy,
        outcome: n.outcome ?? null,
        at: new Date(n.at).toISOString(),
        message: render(opts.template, n),
        text: n.text,
        reasons: n.reasons,
        weights: n.weights ?? null,
        evidence: n.evidence ?? null,
      };
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'x-slipway-event': n.event,
        'x-slipway-delivery': randomUUID(),
      };
      if (opts.secret) headers['x-slipway-signature-256'] = sign(opts.secret, body);
      await send(opts.url, { method: 'POST', headers, body }, delivery);
    },
  };
}
