/**
 * A Gateway data plane and its users, in one: sends `rate` requests a second to the service the way
 * a Gateway API implementation would route them — by the live HTTPRoute's weighted `backendRefs`,
 * each Service's selector, and the pods it selects (their stand-in processes, see pods.ts). No
 * retries: what a backend answers is what the user gets. It records every answer per release and
 * every distinct set of weights it routed by, so a test can check what users saw and which steps
 * the canary went through.
 *
 * TEST HARNESS: the test cluster has no Gateway controller; the routing decisions here read only
 * what Slipway wrote to the API server.
 */
import type { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { Agent, request } from 'undici';
import type { PodStandIns } from './pods.ts';

interface BackendRef {
  name: string;
  weight?: number;
}
interface HttpRoute {
  metadata: { name: string };
  spec: { rules?: { backendRefs?: BackendRef[] }[] };
}

export interface WeightsSeen {
  at: number;
  /** Service name → weight, as routed. */
  weights: Record<string, number>;
}

export interface Tally {
  ok: number;
  errors: number;
}

export interface GatewayOptions {
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  namespace: string;
  route: string;
  pods: PodStandIns;
  rate: number;
  /** Stops by itself after this long, whatever happens. */
  maxDurationMs: number;
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

export class GatewayTraffic {
  readonly #o: GatewayOptions;
  readonly #agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  readonly #selectors = new Map<string, Record<string, string>>();
  #backends: BackendRef[] = [];
  #timers: NodeJS.Timeout[] = [];
  #inflight = new Set<Promise<void>>();
  #rr = 0;
  /** Answers per release (`slipway.dev/release` of the pod that answered; `none` when no backend). */
  readonly byRelease = new Map<string, Tally>();
  readonly weights: WeightsSeen[] = [];
  readonly failures: string[] = [];

  constructor(opts: GatewayOptions) {
    this.#o = opts;
  }

  get total(): Tally {
    const t = { ok: 0, errors: 0 };
    for (const v of this.byRelease.values()) {
      t.ok += v.ok;
      t.errors += v.errors;
    }
    return t;
  }

  async start(): Promise<void> {
    await this.#refresh();
    this.#timers.push(setInterval(() => void this.#refresh().catch(() => {}), 100));
    const tickMs = 20;
    let owed = 0;
    this.#timers.push(
      setInterval(() => {
        owed += (this.#o.rate * tickMs) / 1000;
        for (; owed >= 1; owed--) this.#send();
      }, tickMs),
    );
    this.#timers.push(setTimeout(() => void this.stop(), this.#o.maxDurationMs));
  }

  /** Reads the HTTPRoute and the Services it names, as a gateway controller would keep them. */
  async #refresh(): Promise<void> {
    const route = (await this.#o.objects
      .read({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: this.#o.route, namespace: this.#o.namespace },
      })
      .catch(() => undefined)) as unknown as HttpRoute | undefined;
    const refs = route?.spec.rules?.[0]?.backendRefs ?? [];
    for (const ref of refs) {
      if (this.#selectors.has(ref.name)) continue;
      const svc = await this.#o.core.readNamespacedService({ name: ref.name, namespace: this.#o.namespace });
      this.#selectors.set(ref.name, svc.spec?.selector ?? {});
    }
    this.#backends = refs;
    const weights = Object.fromEntries(refs.map((r) => [r.name, r.weight ?? 1]));
    const last = this.weights.at(-1);
    if (!last || JSON.stringify(last.weights) !== JSON.stringify(weights)) {
      this.weights.push({ at: Date.now(), weights });
    }
  }

  #pick(): { release: string; address: string } | undefined {
    const total = this.#backends.reduce((s, b) => s + (b.weight ?? 1), 0);
    if (total === 0) return undefined;
    let r = Math.random() * total;
    const ref =
      this.#backends.find((b) => {
        r -= b.weight ?? 1;
        return r < 0;
      }) ?? this.#backends.at(-1);
    const selector = ref ? this.#selectors.get(ref.name) : undefined;
    if (!selector) return undefined;
    // Only ready endpoints, as an EndpointSlice lists them.
    const pods = [...this.#o.pods.running.values()].filter((p) => p.ready && matches(selector, p.labels));
    const pod = pods[this.#rr++ % Math.max(1, pods.length)];
    return pod ? { release: pod.labels['slipway.dev/release'] ?? '?', address: pod.address } : undefined;
  }

  /** When each release first failed a user request (ms since the epoch). */
  readonly firstErrorAt = new Map<string, number>();

  #count(release: string, ok: boolean): void {
    if (!ok && !this.firstErrorAt.has(release)) this.firstErrorAt.set(release, Date.now());
    const t = this.byRelease.get(release) ?? { ok: 0, errors: 0 };
    if (ok) t.ok++;
    else t.errors++;
    this.byRelease.set(release, t);
  }

  #send(): void {
    const target = this.#pick();
    if (!target) {
      this.#count('none', false); // a gateway answers 503 when a route has no endpoints
      return;
    }
    const p = request(`http://${target.address}/`, {
      dispatcher: this.#agent,
      signal: AbortSignal.timeout(5000),
    })
      .then(async (res) => {
        await res.body.dump();
        this.#count(target.release, res.statusCode < 500);
      })
      .catch((err: Error) => {
        this.#count(target.release, false);
        if (this.failures.length < 20) this.failures.push(`${target.address}: ${err.message}`);
      })
      .finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
    await Promise.allSettled([...this.#inflight]);
    await this.#agent.close();
  }
}
