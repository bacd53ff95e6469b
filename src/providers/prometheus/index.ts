/**
 * Prometheus as analysis evidence, over its HTTP API (`/api/v1/query`, `/api/v1/query_range`) with
 * undici. Queries are templates: `{{revision}}` (release number), `{{service}}`, `{{environment}}`,
 * `{{namespace}}` are replaced (label-value escaped) per revision. `counts()` runs three instant
 * queries per revision — requests, errors, slow — each expected to return one cumulative number.
 * No data (an empty vector) for `requests` leaves the revision out: the core then applies the
 * analysis `noData` policy instead of mistaking silence for health.
 */
import { request } from 'undici';
import type { RevisionCounts } from '../../core/types.ts';
import type { MetricProvider } from '../provider.ts';

export interface CountQueries {
  requests: string;
  errors: string;
  /** Optional: without it `slow` is 0. */
  slow?: string;
}

export interface PrometheusOptions {
  /** Base URL, e.g. `http://prometheus.monitoring:9090`. */
  url: string;
  /** For `counts()`; a provider used only for `instant`/`range` needs none. */
  queries?: CountQueries;
  labels?: { service: string; environment: string; namespace?: string };
  timeoutMs?: number;
}

export interface Sample {
  labels: Record<string, string>;
  value: number;
}
export interface Series {
  labels: Record<string, string>;
  points: [number, number][];
}

export class PrometheusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusError';
  }
}

/** Escapes a value for a PromQL label matcher (`"…"`). */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Replaces `{{name}}` with `encode(value)` (label-safe by default); an unknown name is an error,
 * not an empty string.
 */
export function template(
  query: string,
  vars: Record<string, string>,
  encode: (value: string) => string = labelValue,
): string {
  return query.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) {
      throw new PrometheusError(
        `query template uses {{${name}}}; known: ${Object.keys(vars)
          .map((k) => `{{${k}}}`)
          .join(', ')}`,
      );
    }
    return encode(v);
  });
}

export class PrometheusProvider implements MetricProvider {
  readonly #o: PrometheusOptions;

  constructor(opts: PrometheusOptions) {
    this.#o = opts;
  }

  async instant(query: string, at?: number): Promise<Sample[]> {
    const data = await this.#get('/api/v1/query', { query, ...(at ? { time: String(at / 1000) } : {}) });
    if (data.resultType === 'scalar')
      return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }

  async range(query: string, startMs: number, endMs: number, stepMs: number): Promise<Series[]> {
    const data = await this.#get('/api/v1/query_range', {
      query,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: String(Math.max(1, stepMs / 1000)),
    });
    return (data.result as { metric: Record<string, string>; values: [number, string][] }[]).map((r) => ({
      labels: r.metric,
      points: r.values.map(([t, v]) => [t * 1000, Number(v)] as [number, number]),
    }));
  }

  async counts(releases: number[]): Promise<Record<string, RevisionCounts>> {
    const { queries, labels } = this.#o;
    if (!queries || !labels) throw new PrometheusError('counts() needs count queries and labels');
    const out: Record<string, RevisionCounts> = {};
    for (const release of releases) {
      const vars = {
        revision: String(release),
        service: labels.service,
        environment: labels.environment,
        namespace: labels.namespace ?? '',
      };
      const one = async (q: string | undefined) => {
        if (!q) return 0;
        const samples = await this.instant(template(q, vars));
        return samples.length === 0 ? undefined : samples.reduce((s, x) => s + x.value, 0);
      };
      const requests = await one(queries.requests);
      if (requests === undefined) continue; // no data
      out[String(release)] = {
        requests: Math.round(requests),
        errors: Math.round((await one(queries.errors)) ?? 0),
        slow: Math.round((await one(queries.slow)) ?? 0),
      };
    }
    return out;
  }

  async isOnline(): Promise<boolean> {
    try {
      const res = await request(new URL('/api/v1/status/buildinfo', this.#o.url), {
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 2000),
      });
      await res.body.dump();
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  async #get(path: string, params: Record<string, string>): Promise<{ resultType: string; result: unknown }> {
    const url = new URL(path, this.#o.url);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(url, { signal: AbortSignal.timeout(this.#o.timeoutMs ?? 5000) });
    } catch (err) {
      throw new PrometheusError(`Prometheus at ${this.#o.url} did not answer: ${(err as Error).message}`);
    }
    const text = await res.body.text();
    let body: {
      status?: string;
      data?: { resultType: string; result: unknown };
      error?: string;
      errorType?: string;
    };
    try {
      body = JSON.parse(text);
    } catch {
      throw new PrometheusError(
        `Prometheus at ${this.#o.url} answered HTTP ${res.statusCode} with non-JSON: ${text.slice(0, 200)}`,
      );
    }
    if (body.status !== 'success' || !body.data) {
      throw new PrometheusError(
        `Prometheus rejected ${params.query ?? path}: ${body.errorType ?? `HTTP ${res.statusCode}`}: ${body.error ?? 'no error message'}`,
      );
    }
    return body.data;
  }
}
