/**
 * A virtual clock for tests (a test double for `Clock`). Time moves only when the code under test
 * waits: once every pending promise has settled, the clock jumps to the earliest sleeper's due time
 * and wakes it, so an hour-long canary runs in milliseconds and deterministically.
 */
import type { Clock } from '../../src/engine/clock.ts';

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export class VirtualClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  private scheduled = false;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  /** Moves time forward by hand (for code that does not sleep, such as a lock's expiry). */
  advance(ms: number): void {
    this.t += ms;
    this.wakeDue();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const sleeper: Sleeper = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve: () => {} };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal?.reason);
      };
      sleeper.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
      this.scheduleJump();
    });
  }

  /** Waits two turns of the event loop (everything in flight settles), then jumps to the next timer. */
  private scheduleJump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() =>
      setImmediate(() => {
        this.scheduled = false;
        const next = this.sleepers.reduce<Sleeper | undefined>(
          (a, s) => (!a || s.at < a.at || (s.at === a.at && s.seq < a.seq) ? s : a),
          undefined,
        );
        if (!next) return;
        this.t = Math.max(this.t, next.at);
        this.wakeDue();
      }),
    );
  }

  private wakeDue(): void {
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.resolve();
    if (this.sleepers.length > 0) this.scheduleJump();
  }
}
