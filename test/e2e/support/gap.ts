/**
 * How long users went unanswered: GET / every `everyMs` (keep-alive, at most 16 connections like a
 * real client pool — fresh connections would spend thousands of ephemeral ports, one of which the
 * next workspace's free port may then collide with; 2 s timeout),
 * recording when each successful answer arrived. The longest stretch between two successful answers
 * (`longestGapMs`) is what a fault cost routing; failures are counted with a sample of their causes.
 * Bounded by `maxMs` so a forgotten probe stops by itself.
 */
import { Agent, request } from 'node:http';

export interface GapReport {
  sent: number;
  ok: number;
  failed: number;
  longestGapMs: number;
  /** When the longest gap ended, relative to `mark()` (or the start). */
  gapEndMs: number;
  samples: string[];
}

export class GapProbe {
  readonly #url: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 16 });
  readonly #everyMs: number;
  #timer?: NodeJS.Timeout;
  #inFlight = new Set<Promise<void>>();
  #okAt: number[] = [];
  #sent = 0;
  #failed = 0;
  #samples: string[] = [];
  #mark = performance.now();

  constructor(origin: string, everyMs = 10, maxMs = 120_000) {
    this.#url = new URL('/', origin);
    this.#everyMs = everyMs;
    setTimeout(() => this.stop(), maxMs).unref();
  }

  start(): this {
    this.#timer = setInterval(() => this.#once(), this.#everyMs);
    return this;
  }

  /** Resets the counts: what happens from now on is the fault's. */
  mark(): void {
    this.#mark = performance.now();
    this.#okAt = [];
    this.#sent = 0;
    this.#failed = 0;
    this.#samples = [];
  }

  async stop(): Promise<GapReport> {
    clearInterval(this.#timer);
    await Promise.all(this.#inFlight);
    this.#agent.destroy();
    return this.report();
  }

  report(): GapReport {
    const at = [this.#mark, ...this.#okAt];
    let longest = 0;
    let end = 0;
    for (let i = 1; i < at.length; i++) {
      if (at[i]! - at[i - 1]! > longest) {
        longest = at[i]! - at[i - 1]!;
        end = at[i]! - this.#mark;
      }
    }
    return {
      sent: this.#sent,
      ok: this.#okAt.length,
      failed: this.#failed,
      longestGapMs: Math.round(longest),
      gapEndMs: Math.round(end),
      samples: this.#samples,
    };
  }

  #once(): void {
    this.#sent++;
    const p = new Promise<void>((resolve) => {
      const req = request(this.#url, { agent: this.#agent, timeout: 2000 }, (res) => {
        res.resume();
        res.once('end', () => {
          if (res.statusCode === 200) this.#okAt.push(performance.now());
          else this.#fail(`HTTP ${res.statusCode}`);
          resolve();
        });
        res.once('error', (e) => {
          this.#fail(e.message);
          resolve();
        });
      });
      req.once('timeout', () => req.destroy(new Error('timeout 2 s')));
      req.once('error', (e) => {
        this.#fail((e as NodeJS.ErrnoException).code ?? e.message);
        resolve();
      });
      req.end();
    });
    this.#inFlight.add(p);
    void p.then(() => this.#inFlight.delete(p));
  }

  #fail(why: string): void {
    this.#failed++;
    if (this.#samples.length < 5) this.#samples.push(why);
  }
}
