/** A notification channel: one receiver, told about each notice in order. */
import type { ReleaseNotice } from '../notice.ts';

export interface Channel {
  /** e.g. `webhook https://hooks.example.com/…` — for log lines (never a credential). */
  readonly label: string;
  deliver(notice: ReleaseNotice): Promise<void>;
}

export const USER_AGENT = 'slipway/0.1 (+https://github.com/slipway-dev/slipway)';
