/**
 * HTTP checks as analysis evidence: on every read, `probes` GETs against each asked-for revision's
 * URL (the preview Service for blue-green, the `<service>-r<N>` Service for a canary, or any URL
 * the caller maps a release to). Counts are cumulative, like the proxy's: a 5xx answer, a timeout
 * or a refused connection is an error; an answer slower than `slowMs` is slow.
 */
import { request } from 'undici';
import type { RevisionCounts } from '../../core/types.ts';
import type { MetricProvider } from '../provider.ts';

export interface HttpCheckOptions {
  /** The URL to probe for a release, or undefined when that release has no address to check. */
  urlFor: (release: number) => string | undefined;
  /** GETs per revision per read; default 5. */
  probes?: number;
  /** One probe's deadline; default 2000 ms. A probe past it counts as an error. */
  timeoutMs?: number;
  /** Slower answers count as slow; default: none are. */
  slowMs?: number;
  now?: () => number;
}

export class HttpCheckProvider implements MetricProvider {
  readonly #o: HttpCheckOptions;
  readonly #totals = new Map<number, RevisionCounts>();

  constructor(opts: HttpCheckOptions) {
    this.#o = opts;
  }

  async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    const out: Record<string, RevisionCounts> = {};
    await Promise.all(
      releases.map(async (release) => {
        const url = this.#o.urlFor(release);
        if (!url) return; // no address: no evidence (the no-data policy decides)
        const total = this.#totals.get(release) ?? { requests: 0, errors: 0, slow: 0 };
        for (let i = 0; i < (this.#o.probes ?? 5); i++) {
          const { ok, ms } = await this.#probe(url);
          total.requests++;
          if (!ok) total.errors++;
          else if (this.#o.slowMs !== undefined && ms > this.#o.slowMs) total.slow++;
        }
        this.#totals.set(release, total);
        out[String(release)] = { ...total };
      }),
    );
    return out;
  }

  /** Checks need no server of their own: they are online whenever they can run. */
  async isOnline(): Promise<boolean> {
    return true;
  }

  async #probe(url: string): Promise<{ ok: boolean; ms: number }> {
    const now = this.#o.now ?? performance.now.bind(performance);
    const start = now();
    try {
      const res = await request(url, {
        method: 'GET',
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 2000),
      });
      await res.body.dump();
      return { ok: res.statusCode < 500, ms: now() - start };
    } catch {
      return { ok: false, ms: now() - start };
    }
  }
}
