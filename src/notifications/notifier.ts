/**
 * The notifier: watches the engine's decisions (through `onProgress`), turns them into notices and
 * hands each to every channel that wants that event, one channel's deliveries in order (GitHub
 * needs its deployment before the statuses). It never blocks or fails the release: `onProgress`
 * only queues, a delivery that fails is retried with backoff and then reported as one log line.
 * Credentials are read on first use, so a missing one is a warning, not a refused release.
 */
import type { NotificationConfig } from '../config/schema/notifications.ts';
import type { Decision } from '../core/decision.ts';
import type { Ledger, ReleaseRecord } from '../engine/target.ts';
import type { Channel } from './channels/channel.ts';
import { githubChannel } from './channels/github.ts';
import { slackChannel } from './channels/slack.ts';
import { webhookChannel } from './channels/webhook.ts';
import { type CredentialContext, readCredential } from './credentials.ts';
import type { DeliveryOptions } from './deliver.ts';
import { type NoticeDraft, noticesOf, type ReleaseNotice } from './notice.ts';
import { DEFAULT_SLACK_TEMPLATE, DEFAULT_TEMPLATE } from './template.ts';

export interface NotifierOptions extends CredentialContext {
  configs: NotificationConfig[];
  ledger: Ledger;
  /** One line per problem (a missing credential, a delivery given up); default: nothing. */
  log?: (line: string) => void;
  now?: () => number;
  delivery?: DeliveryOptions;
}

export interface Notifier {
  /** Give it every decision of an operation (the engine's `onProgress`); it only queues. */
  onProgress(decision: Decision): void;
  /** Resolves once everything queued so far was delivered or given up (or after `timeoutMs`). */
  flush(timeoutMs?: number): Promise<void>;
}

interface Slot {
  config: NotificationConfig;
  channel?: Promise<Channel | undefined>;
  queue: Promise<void>;
}

export function createNotifier(opts: NotifierOptions): Notifier | undefined {
  if (opts.configs.length === 0) return undefined;
  const log = opts.log ?? (() => {});
  const now = opts.now ?? Date.now;
  const slots: Slot[] = opts.configs.map((config) => ({ config, queue: Promise.resolve() }));
  let previous: Decision | undefined;
  let release: number | undefined;
  const records = new Map<number, Promise<ReleaseRecord | undefined>>();

  const recordOf = (n: number | undefined) => {
    const key = n ?? -1;
    if (!records.has(key)) {
      records.set(
        key,
        opts.ledger.releases().then(
          (all) =>
            n === undefined ? all.find((r) => r.finishedAt === undefined) : all.find((r) => r.release === n),
          () => undefined,
        ),
      );
    }
    return records.get(key) as Promise<ReleaseRecord | undefined>;
  };

  const enqueue = (draft: NoticeDraft) => {
    const full = recordOf(draft.release).then((r): ReleaseNotice | undefined =>
      r
        ? {
            ...draft,
            release: r.release,
            service: r.service,
            environment: r.environment,
            digest: r.digest,
            strategy: r.strategy,
          }
        : undefined,
    );
    slots.forEach((slot, i) => {
      if (!slot.config.events.includes(draft.event)) return;
      slot.channel ??= channelOf(slot.config, `notifications[${i}]`, opts, log);
      slot.queue = slot.queue.then(async () => {
        const [channel, notice] = await Promise.all([slot.channel, full]);
        if (!channel || !notice) return;
        try {
          await channel.deliver(notice);
        } catch (err) {
          log(
            `notification ${notice.event} of release ${notice.release} to ${channel.label} not delivered: ${(err as Error).message}`,
          );
        }
      });
    });
  };

  return {
    onProgress(decision) {
      try {
        for (const draft of noticesOf(decision, previous, now())) {
          if (draft.release !== undefined) release = draft.release;
          enqueue({ ...draft, ...(draft.release === undefined && release !== undefined ? { release } : {}) });
        }
        previous = decision;
      } catch (err) {
        log(`notifications: ${(err as Error).message}`);
      }
    },
    async flush(timeoutMs = 60_000) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(slots.map((s) => s.queue)),
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs);
          timer.unref();
        }),
      ]);
      clearTimeout(timer);
    },
  };
}

async function channelOf(
  config: NotificationConfig,
  where: string,
  opts: NotifierOptions,
  log: (line: string) => void,
): Promise<Channel | undefined> {
  const need = async (ref: Parameters<typeof readCredential>[0], field: string) => {
    const got = await readCredential(ref, `${where}.${field}`, opts);
    if ('error' in got) {
      log(`notifications are off for ${where} (${config.type}): ${got.error}`);
      return undefined;
    }
    return got.value;
  };
  const delivery = opts.delivery ?? {};
  switch (config.type) {
    case 'webhook': {
      const secret = config.secret ? await need(config.secret, 'secret') : undefined;
      if (config.secret && secret === undefined) return undefined;
      const o = {
        url: config.url,
        template: config.template ?? DEFAULT_TEMPLATE,
        ...(secret ? { secret } : {}),
      };
      return webhookChannel(o, delivery);
    }
    case 'slack': {
      const url = await need(config.webhook, 'webhook');
      return url
        ? slackChannel({ webhookUrl: url, template: config.template ?? DEFAULT_SLACK_TEMPLATE }, delivery)
        : undefined;
    }
    case 'github': {
      const token = await need(config.token, 'token');
      const ref = opts.processEnv.GITHUB_SHA || opts.processEnv.SLIPWAY_GIT_REF;
      if (!ref) {
        log(
          `notifications are off for ${where} (github): no commit to name: set GITHUB_SHA (Actions sets it) or SLIPWAY_GIT_REF`,
        );
        return undefined;
      }
      if (!token) return undefined;
      return githubChannel(
        {
          apiUrl: config.apiUrl,
          repository: config.repository,
          token,
          ref,
          template: config.template ?? DEFAULT_TEMPLATE,
          ...(config.environmentUrl ? { environmentUrl: config.environmentUrl } : {}),
        },
        delivery,
      );
    }
  }
}
