/** Time, injected: the engine never reads `Date.now()` or calls `setTimeout` itself. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` (immediately for ms <= 0); rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * The real clock: the wall time at this process's start plus the monotonic time since. A step of
 * the system clock while a release runs (NTP correcting a wrong clock, an operator's `date -s`)
 * neither stretches a 10 s pause to two hours nor ends it at once, and leaves analysis windows and
 * deadlines their length (bench/faults rows `clock jumps … mid-release`). The price: timestamps a
 * process writes after such a step are off by the step until the next command starts.
 */
export const systemClock: Clock = {
  now: () => Math.round(performance.timeOrigin + performance.now()),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }
      function onAbort() {
        clearTimeout(timer);
        reject(signal?.reason);
      }
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
};
