/**
 * Reads custom checks (`analysis.queries`, as `CheckSpec`s in the release spec) for one revision:
 * one result per check, never a thrown error, so a bad query or an unreachable server becomes
 * evidence ("no data: …", "request failed: …") that the core judges, not a crash of the engine.
 *
 * - Prometheus: one instant query through `PrometheusProvider.instant`, templated per revision. One
 *   series (or a scalar) is the value; no series, several series, NaN or a rejected query is no data,
 *   with why.
 * - HTTP: one request with the check's method and timeout; the value is the status code. The
 *   request carries `x-slipway-revision: <revision>`, or, where the target gives `pinFor`, the pin it
 *   issues: the local target's proxy honours only pins its daemon signed, so a check sent through the
 *   proxy port reaches the revision it judges; elsewhere the header is harmless.
 */
import { request } from 'undici';
import type { CheckSpec, HttpCheckSpec, PrometheusCheckSpec } from '../core/spec.ts';
import type { CheckResult } from '../core/types.ts';
import { PrometheusProvider, template } from './prometheus/index.ts';

export interface CheckLabels {
  service: string;
  environment: string;
  /** Kubernetes namespace; empty on the local target. */
  namespace?: string;
}

export interface CheckReaderOptions {
  labels: CheckLabels;
  /**
   * `SLIPWAY_PROMETHEUS_URL`: replaces the environment's default Prometheus (`analysis.prometheus.url`)
   * for one run; a query's own `address` is kept.
   */
  prometheusUrl?: string;
  /** One Prometheus request's deadline; default 5000 ms (HTTP checks use their own `timeoutMs`). */
  prometheusTimeoutMs?: number;
  /**
   * The header that routes an HTTP check to `revision` (the local target: a check pin from its daemon).
   * Default: `x-slipway-revision: <revision>`. A rejection becomes the check's "no data" reason.
   */
  pinFor?: (revision: number, opts?: { fresh?: boolean }) => Promise<CheckPin>;
}

/** How a check reaches its revision: a header, and (for a signed pin) how the proxy says it refused it. */
export interface CheckPin {
  header: string;
  value: string;
  /** A response header present when the proxy refused the pin (expired, or signed by a proxy since replaced). */
  refusedHeader?: string;
}

/** The engine's view of custom checks (`EngineDeps.checks`). */
export interface CheckReader {
  read(checks: readonly CheckSpec[], revision: number): Promise<CheckResult[]>;
}

/** The header the local proxy pins a request to a revision by. */
export const REVISION_HEADER = 'x-slipway-revision';

export function checkReader(opts: CheckReaderOptions): CheckReader {
  const servers = new Map<string, PrometheusProvider>();
  const server = (url: string) => {
    let p = servers.get(url);
    if (!p) {
      p = new PrometheusProvider({ url, timeoutMs: opts.prometheusTimeoutMs ?? 5000 });
      servers.set(url, p);
    }
    return p;
  };
  return {
    read(checks, revision) {
      const vars = {
        revision: String(revision),
        service: opts.labels.service,
        environment: opts.labels.environment,
        namespace: opts.labels.namespace ?? '',
      };
      return Promise.all(
        checks.map((c) =>
          c.kind === 'http'
            ? readHttp(c, vars, opts.pinFor)
            : readPrometheus(c, vars, opts.prometheusUrl, server),
        ),
      );
    },
  };
}

async function readPrometheus(
  c: PrometheusCheckSpec,
  vars: Record<string, string>,
  override: string | undefined,
  server: (url: string) => PrometheusProvider,
): Promise<CheckResult> {
  const url = c.addressFrom === 'default' && override ? override : c.address;
  if (!/^https?:$/.test(URL.parse(url)?.protocol ?? '')) {
    return { name: c.name, error: `the Prometheus address ${JSON.stringify(url)} is not an http(s) URL` };
  }
  try {
    const samples = await server(url).instant(template(c.query, vars));
    const [first] = samples;
    if (first === undefined) return { name: c.name, error: 'no series matched' };
    if (samples.length > 1) {
      return {
        name: c.name,
        error: `the query returned ${samples.length} series, expected one: aggregate it, e.g. max(…) or sum(…)`,
      };
    }
    if (Number.isNaN(first.value))
      return { name: c.name, error: 'the value is NaN (e.g. a rate of nothing)' };
    return { name: c.name, value: first.value };
  } catch (err) {
    return { name: c.name, error: (err as Error).message };
  }
}

async function readHttp(
  c: HttpCheckSpec,
  vars: Record<string, string>,
  pinFor: CheckReaderOptions['pinFor'],
): Promise<CheckResult> {
  let url = c.url;
  const revision = Number(vars.revision);
  const pinOf = async (fresh: boolean): Promise<CheckPin> =>
    pinFor ? pinFor(revision, { fresh }) : { header: REVISION_HEADER, value: vars.revision! };
  try {
    url = template(c.url, vars, encodeURIComponent);
    // A pin the proxy refuses (its proxy was replaced, say after a keeper died) is asked for again,
    // once; the check's value is never the refusal's 404, nor stable's answer in the candidate's place.
    for (const fresh of [false, true]) {
      let pin: CheckPin;
      try {
        pin = await pinOf(fresh);
      } catch (err) {
        return {
          name: c.name,
          error: `no pin to send the check to revision ${vars.revision}: ${(err as Error).message}`,
        };
      }
      const res = await request(url, {
        method: c.method,
        headers: { [pin.header]: pin.value },
        signal: AbortSignal.timeout(c.timeoutMs),
      });
      await res.body.dump();
      if (!pin.refusedHeader || res.headers[pin.refusedHeader] === undefined)
        return { name: c.name, value: res.statusCode };
    }
    return {
      name: c.name,
      error: `${c.method} ${url}: the proxy refused a fresh check pin for revision ${vars.revision} (is it still served?)`,
    };
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `no answer within ${c.timeoutMs} ms` : e.message;
    return { name: c.name, error: `${c.method} ${url}: ${why}` };
  }
}
