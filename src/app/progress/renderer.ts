/**
 * Shows an operation's progress as it runs. Fed by the engine's `onProgress`; samples the target's
 * traffic counters about once a second for rates and latency.
 * - `tty`: a block redrawn in place;
 * - `plain`: timestamped lines, only when something changed (CI logs);
 * - `json`: newline-delimited JSON events (same change rule), then the outcome object;
 * - `quiet`: nothing (the demo draws its own output).
 */
import type { Decision } from '../../core/decision.ts';
import type { Observed } from '../../core/types.ts';
import type { OperationOutcome } from '../../engine/index.ts';
import type { RevisionSample, WindowStats } from '../../targets/samples.ts';
import { windowStats } from '../../targets/samples.ts';
import {
  changeKey,
  formatBlock,
  formatOutcome,
  formatPlainLine,
  jsonEvent,
  jsonOutcome,
  type Snapshot,
  snapshotOf,
} from './format.ts';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface RendererOptions {
  mode: ProgressMode;
  environment: string;
  write?: (text: string) => void;
  /** Cumulative per-revision counters; undefined when the target has none. */
  sample?: () => Promise<Record<string, RevisionSample> | undefined>;
  now?: () => number;
  /** How often stats are refreshed (and the TTY block redrawn); default 1000 ms. */
  intervalMs?: number;
}

export function progressMode(json: boolean | undefined, isTty: boolean | undefined): ProgressMode {
  if (json) return 'json';
  return isTty && !process.env.CI ? 'tty' : 'plain';
}

export class ProgressRenderer {
  readonly #opts: RendererOptions;
  readonly #write: (text: string) => void;
  readonly #now: () => number;
  readonly #started: number;
  #last?: Snapshot;
  #lastKey?: string;
  #drawn = 0;
  #timer?: NodeJS.Timeout;
  #prevSample?: { at: number; data: Record<string, RevisionSample> };
  #stats: Record<string, WindowStats> = {};
  #release = 0;

  constructor(opts: RendererOptions) {
    this.#opts = opts;
    this.#write = opts.write ?? ((t) => process.stdout.write(t));
    this.#now = opts.now ?? Date.now;
    this.#started = this.#now();
    if (opts.mode !== 'quiet' && opts.sample) {
      this.#timer = setInterval(() => void this.#tick(), opts.intervalMs ?? 1000);
      this.#timer.unref();
    }
  }

  /** Release number of the operation (known once the engine assigned it). */
  set release(n: number) {
    this.#release = n;
  }
  get release(): number {
    return this.#release;
  }

  /** A message outside the block (build output, notes). */
  note(text: string): void {
    if (this.#opts.mode === 'quiet') return;
    if (this.#opts.mode === 'json') {
      this.#write(
        `${JSON.stringify({ type: 'note', at: new Date(this.#now()).toISOString(), message: text })}\n`,
      );
      return;
    }
    this.#clear();
    this.#write(`${text}\n`);
    if (this.#last && this.#opts.mode === 'tty') this.#draw(this.#last);
  }

  onProgress = (decision: Decision, observed: Observed): void => {
    const snap = snapshotOf(decision, observed, {
      at: this.#now(),
      environment: this.#opts.environment,
      release: this.#release || guessRelease(observed),
      stats: this.#stats,
    });
    this.#show(snap);
  };

  /** Prints an operation's outcome (an operation may be followed by another: call `stop` at the end). */
  finish(outcome: OperationOutcome): void {
    if (this.#opts.mode === 'quiet') return;
    if (this.#opts.mode === 'json') {
      this.#write(`${JSON.stringify(jsonOutcome(outcome, this.#opts.environment))}\n`);
      return;
    }
    this.#drawn = 0; // leave the last block on screen
    this.#write(`${formatOutcome(outcome, this.#opts.environment).join('\n')}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  #show(snap: Snapshot): void {
    this.#last = snap;
    const mode = this.#opts.mode;
    if (mode === 'quiet') return;
    if (mode === 'tty') {
      this.#draw(snap);
      return;
    }
    const key = changeKey(snap);
    if (key === this.#lastKey) return;
    this.#lastKey = key;
    this.#write(mode === 'json' ? `${JSON.stringify(jsonEvent(snap))}\n` : `${formatPlainLine(snap)}\n`);
  }

  #clear(): void {
    if (this.#opts.mode === 'tty' && this.#drawn > 0) this.#write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #draw(snap: Snapshot): void {
    this.#clear();
    const lines = formatBlock(snap, this.#now() - this.#started);
    this.#write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }

  async #tick(): Promise<void> {
    let data: Record<string, RevisionSample> | undefined;
    try {
      data = await this.#opts.sample?.();
    } catch {
      return; // a missed sample only delays the numbers
    }
    if (!data) return;
    const at = this.#now();
    const prev = this.#prevSample;
    if (prev) {
      const stats: Record<string, WindowStats> = {};
      for (const [rev, s] of Object.entries(data)) stats[rev] = windowStats(prev.data[rev], s, at - prev.at);
      this.#stats = stats;
    }
    this.#prevSample = { at, data };
    if (this.#last && this.#opts.mode === 'tty') this.#draw({ ...this.#last, stats: this.#stats });
  }
}

/** Before the engine tells us, the candidate is the highest release the target runs. */
function guessRelease(observed: Observed): number {
  return observed.revisions.reduce((m, r) => Math.max(m, r.release), 0);
}
