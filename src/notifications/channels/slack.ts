/**
 * Slack incoming webhook: `{ text }` in Slack's mrkdwn, from the channel's template. The webhook URL
 * is itself the credential, so it comes from a secret reference and is never logged.
 */
import { type DeliveryOptions, send } from '../deliver.ts';
import { render } from '../template.ts';
import { type Channel, USER_AGENT } from './channel.ts';

const EMOJI = {
  started: ':rocket:',
  step: ':white_check_mark:',
  paused: ':double_vertical_bar:',
  promoted: ':tada:',
  'rolled-back': ':rewind:',
  failed: ':x:',
} as const;

export function slackChannel(
  opts: { webhookUrl: string; template: string },
  delivery: DeliveryOptions = {},
): Channel {
  return {
    label: 'slack incoming webhook',
    async deliver(n) {
      const body = JSON.stringify({ text: `${EMOJI[n.event]} ${render(opts.template, n)}` });
      await send(
        opts.webhookUrl,
        { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT }, body },
        delivery,
      );
    },
  };
}
