/**
 * Real processes behind kwok's fake pods. kwok runs no container, so nothing would ever answer a
 * request or expose a metric. This "kubelet" watches the pods of one namespace and, for every pod
 * scheduled onto a node, starts `examples/hello` on 127.0.0.1 with the environment the pod spec
 * gives its container (plain values, ConfigMap and Secret references resolved as the kubelet
 * would), plus whatever the image's digest stands for in `images` (a broken build is
 * `{ FAIL_RATE: '1' }`). It writes the process's address into the pod's `slipway.test/address`
 * annotation, where the gateway stand-in and Prometheus' pod discovery find it.
 *
 * Pod status: for images whose digest starts with `STANDIN_DIGEST_PREFIX`, kwok leaves the pod's
 * status alone (scripts/k8s/up.sh starts it with `--disregard-status-with-label-selector` on the
 * pods' `app.kubernetes.io/version`) and this kubelet owns it: the pod is Running once its process
 * runs and Ready only while the container's readiness probe answers (probed every `periodSeconds`),
 * and a pod marked for deletion gets SIGTERM and is removed (grace period 0) once its process has
 * exited. So Slipway waits for readiness that is real, and its drains stop real processes. For
 * other images kwok marks pods Ready at once, and a process may start after traffic reaches it.
 *
 * TEST HARNESS: this stands in for the kubelet and the container runtime of a real cluster; the
 * API server, the scheduler, the Deployment controller and Slipway itself are the real ones.
 */
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CoreV1Api,
  type KubeConfig,
  type KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  Watch,
} from '@kubernetes/client-node';
import { freePort } from '../../../../src/targets/local/supervisor/ports.ts';
import { spawnTied, stopProcess } from '../../processes.ts';

export const ADDRESS_ANNOTATION = 'slipway.test/address';
/**
 * Digests whose pods this kubelet owns the status of: `sha256:5ca1ab1e000<N>…` with N in 1–9, whose
 * version label `sha256-5ca1ab1e000N` scripts/k8s/up.sh tells kwok to disregard.
 */
export const STANDIN_DIGEST_PREFIX = 'sha256:5ca1ab1e000';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NODE = join(ROOT, 'node_modules/.bin/node');
const SERVER = join(ROOT, 'examples/hello/src/server.ts');
const MANAGER = 'slipway-test-kubelet';

/** A digest the stand-in kubelet owns (n: 1–9; the rest is derived from `seed`). */
export function standinDigest(n: number, seed: string): string {
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`standinDigest: n must be 1–9, got ${n}`);
  let hex = '';
  for (let i = 0; hex.length < 52; i++) hex += Buffer.from(`${seed}/${i}`).toString('hex');
  return `${STANDIN_DIGEST_PREFIX}${n}${hex.slice(0, 52)}`;
}

export interface StandIn {
  pod: string;
  uid: string;
  labels: Record<string, string>;
  /** `ip:port` the process listens on; `ip` is the pod IP reported in its status. */
  address: string;
  ip: string;
  image: string;
  child: ChildProcess;
  /** Whether the readiness probe answers (always true for pods kwok owns). */
  ready: boolean;
}

export interface PodStandInsOptions {
  kubeConfig: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
  namespace: string;
  /** Extra environment per image digest (`sha256:…`): how that build behaves. */
  images?: Record<string, Record<string, string>>;
  /**
   * Give each pod (of a stand-in digest) its own address in 10.244.0.0/16, listening on its
   * container's `http` port, and report it as the pod IP, so EndpointSlices carry it and a real
   * gateway (Envoy, scripts/k8s/dataplane.sh, which routes that range to the loopback device) reaches
   * the pod. Off: every pod listens on 127.0.0.1 at a free port, which only the gateway stand-in
   * (through the address annotation) can use — Kubernetes refuses loopback addresses in EndpointSlices.
   */
  podNetwork?: boolean;
}

/** The port the pod's Service targets (`targetPort: http`): the container's `http` port, else its first. */
function containerPort(pod: V1Pod): number {
  const ports = pod.spec?.containers[0]?.ports ?? [];
  const port = (ports.find((p) => p.name === 'http') ?? ports[0])?.containerPort;
  if (!port) throw new Error('podNetwork: the container declares no port (Services target its `http` port)');
  return port;
}

/** A random 10.244.x.y address whose `port` is free to bind (pods of other tests may hold some). */
async function podAddress(port: number): Promise<{ ip: string; port: number }> {
  for (let attempt = 0; ; attempt++) {
    const ip = `10.244.${randomInt(0, 256)}.${randomInt(1, 255)}`;
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, ip, () => srv.close(() => resolve(true)));
    });
    if (free) return { ip, port };
    if (attempt === 20) {
      throw new Error(
        `podNetwork: cannot bind 10.244.x.y:${port}; is 10.244.0.0/16 routed to lo? (scripts/k8s/dataplane.sh up does it)`,
      );
    }
  }
}

const owned = (pod: V1Pod) => (pod.spec?.containers[0]?.image ?? '').includes(`@${STANDIN_DIGEST_PREFIX}`);

export class PodStandIns {
  readonly #o: PodStandInsOptions;
  readonly #running = new Map<string, StandIn>();
  readonly #starting = new Set<string>();
  readonly #terminating = new Set<string>();
  readonly #probes = new Map<string, NodeJS.Timeout>();
  readonly #errors: string[] = [];
  #abort: AbortController | undefined;
  #stopped = false;

  constructor(opts: PodStandInsOptions) {
    this.#o = opts;
  }

  /** Problems met while running stand-ins (a missing ConfigMap, a process that exited early). */
  get errors(): readonly string[] {
    return this.#errors;
  }

  /** The stand-ins running now, keyed by pod UID. */
  get running(): ReadonlyMap<string, StandIn> {
    return this.#running;
  }

  async start(): Promise<void> {
    const path = `/api/v1/namespaces/${this.#o.namespace}/pods`;
    const watchOnce = async (): Promise<void> => {
      if (this.#stopped) return;
      this.#abort = await new Watch(this.#o.kubeConfig).watch(
        path,
        {},
        (phase, pod: V1Pod) => void this.#onPod(phase, pod),
        () => {
          // Watches end (timeouts, restarts of the API server); pick up again while running.
          if (!this.#stopped) setTimeout(() => void watchOnce(), 200);
        },
      );
    };
    await watchOnce();
  }

  async #onPod(phase: string, pod: V1Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (phase === 'DELETED') return void this.#terminate(uid);
    if (pod.metadata?.deletionTimestamp) return this.#terminateAndRemove(pod);
    if (!pod.spec?.nodeName || this.#running.has(uid) || this.#starting.has(uid) || this.#stopped) return;
    this.#starting.add(uid);
    try {
      await this.#launch(pod);
    } catch (err) {
      this.#errors.push(`pod ${pod.metadata?.name}: ${(err as Error).message}`);
    } finally {
      this.#starting.delete(uid);
    }
  }

  async #launch(pod: V1Pod): Promise<void> {
    const container = pod.spec?.containers[0];
    if (!container) throw new Error('has no container');
    const digest = container.image?.split('@')[1] ?? '';
    const env = { ...(await this.#containerEnv(pod)), ...(this.#o.images?.[digest] ?? {}) };
    const { ip, port } =
      this.#o.podNetwork && owned(pod)
        ? await podAddress(containerPort(pod))
        : { ip: '127.0.0.1', port: await freePort() };
    const child = spawnTied(NODE, [SERVER], {
      env: { PATH: process.env.PATH, ...env, PORT: String(port), HOST: ip, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const name = pod.metadata?.name ?? '';
    const uid = pod.metadata?.uid ?? '';
    const address = `${ip}:${port}`;
    const standIn: StandIn = {
      pod: name,
      uid,
      labels: { ...(pod.metadata?.labels ?? {}) },
      address,
      ip,
      image: container.image ?? '',
      child,
      ready: !owned(pod),
    };
    child.on('exit', (code, signal) => {
      if (this.#running.get(uid) === standIn) this.#running.delete(uid);
      this.#stopProbe(uid);
      if (!this.#stopped && !this.#terminating.has(uid) && code !== 0) {
        this.#errors.push(`pod ${name}: hello exited with ${signal ?? code}: ${stderr.trim()}`);
      }
    });
    this.#running.set(uid, standIn);
    await this.#annotate(name, address).catch((err: Error) => {
      // The pod went away while its process started: the DELETED event stops the process.
      if (!/not ?found|404/i.test(err.message)) throw err;
    });
    if (owned(pod)) {
      await this.#setStatus(name, false, ip);
      this.#probe(pod, standIn);
    }
  }

  /** The readiness probe, as the kubelet runs it: every periodSeconds, failureThreshold misses to unready. */
  #probe(pod: V1Pod, s: StandIn): void {
    const rp = pod.spec?.containers[0]?.readinessProbe;
    const path = rp?.httpGet?.path ?? '/';
    const periodMs = (rp?.periodSeconds ?? 10) * 1000;
    const timeoutMs = (rp?.timeoutSeconds ?? 1) * 1000;
    const threshold = rp?.failureThreshold ?? 3;
    let misses = 0;
    const tick = async () => {
      if (this.#stopped || !this.#running.has(s.uid)) return;
      const ok = await fetch(`http://${s.address}${path}`, { signal: AbortSignal.timeout(timeoutMs) }).then(
        (r) => r.ok,
        () => false,
      );
      misses = ok ? 0 : misses + 1;
      const next = ok ? true : misses >= threshold ? false : s.ready;
      if (next !== s.ready && this.#running.has(s.uid) && !this.#terminating.has(s.uid)) {
        s.ready = next;
        await this.#setStatus(s.pod, next, s.ip).catch((err: Error) => {
          if (!/not ?found|404/i.test(err.message)) this.#errors.push(`pod ${s.pod}: status: ${err.message}`);
        });
      }
      // Until first ready, probe quickly (startup); then at the probe's period.
      this.#probes.set(s.uid, setTimeout(tick, s.ready ? periodMs : 200));
    };
    this.#probes.set(s.uid, setTimeout(tick, 100));
  }

  #stopProbe(uid: string): void {
    const t = this.#probes.get(uid);
    if (t) clearTimeout(t);
    this.#probes.delete(uid);
  }

  /** Pod status as the kubelet reports it: Running, and Ready when the probe says so. */
  async #setStatus(pod: string, ready: boolean, ip: string): Promise<void> {
    const now = new Date().toISOString();
    const value = ready ? 'True' : 'False';
    await this.#o.core.patchNamespacedPodStatus(
      {
        name: pod,
        namespace: this.#o.namespace,
        fieldManager: MANAGER,
        body: {
          status: {
            phase: 'Running',
            hostIP: '127.0.0.1',
            podIP: ip,
            podIPs: [{ ip }],
            startTime: now,
            conditions: [
              { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
              { type: 'Initialized', status: 'True', lastTransitionTime: now },
              { type: 'ContainersReady', status: value, lastTransitionTime: now },
              { type: 'Ready', status: value, lastTransitionTime: now },
            ],
            containerStatuses: [
              {
                name: 'hello',
                image: '',
                imageID: '',
                ready,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: now } },
              },
            ],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  async #annotate(pod: string, address: string): Promise<void> {
    await this.#o.objects.patch(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: pod, namespace: this.#o.namespace, annotations: { [ADDRESS_ANNOTATION]: address } },
      },
      undefined,
      undefined,
      MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /** The container's environment as the kubelet would build it (envFrom first, then env). */
  async #containerEnv(pod: V1Pod): Promise<Record<string, string>> {
    const ns = this.#o.namespace;
    const c = pod.spec?.containers[0];
    const out: Record<string, string> = {};
    const configMap = async (name: string) =>
      (await this.#o.core.readNamespacedConfigMap({ name, namespace: ns })).data ?? {};
    const secret = async (name: string, optional: boolean) => {
      try {
        const data = (await this.#o.core.readNamespacedSecret({ name, namespace: ns })).data ?? {};
        return Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
        );
      } catch (err) {
        if (optional) return {};
        throw new Error(`references Secret ${name}, which cannot be read: ${(err as Error).message}`);
      }
    };
    for (const from of c?.envFrom ?? []) {
      if (from.configMapRef?.name) Object.assign(out, await configMap(from.configMapRef.name));
      if (from.secretRef?.name)
        Object.assign(out, await secret(from.secretRef.name, !!from.secretRef.optional));
    }
    for (const e of c?.env ?? []) {
      if (e.value !== undefined) out[e.name] = e.value;
      const sk = e.valueFrom?.secretKeyRef;
      if (sk?.name) {
        const v = (await secret(sk.name, !!sk.optional))[sk.key];
        if (v !== undefined) out[e.name] = v;
        else if (!sk.optional) throw new Error(`env ${e.name}: Secret ${sk.name} has no key ${sk.key}`);
      }
      const ck = e.valueFrom?.configMapKeyRef;
      if (ck?.name) {
        const v = (await configMap(ck.name))[ck.key];
        if (v !== undefined) out[e.name] = v;
      }
    }
    return out;
  }

  /** SIGTERM; resolves once the process has exited (SIGKILL after `graceMs`). */
  async #terminate(uid: string, graceMs = 30_000): Promise<void> {
    const s = this.#running.get(uid);
    this.#stopProbe(uid);
    if (!s) return;
    this.#terminating.add(uid);
    await stopProcess(s.child, graceMs);
    this.#running.delete(uid);
    this.#terminating.delete(uid);
  }

  /** A pod marked for deletion: stop its process, then (for pods kwok leaves alone) remove it. */
  async #terminateAndRemove(pod: V1Pod): Promise<void> {
    const uid = pod.metadata?.uid ?? '';
    if (this.#terminating.has(uid)) return;
    // Removed from routing at once: an endpoint that is terminating gets no new requests.
    const s = this.#running.get(uid);
    if (s) s.ready = false;
    await this.#terminate(uid, (pod.spec?.terminationGracePeriodSeconds ?? 30) * 1000);
    if (!owned(pod) || this.#stopped) return;
    await this.#o.core
      .deleteNamespacedPod({
        name: pod.metadata?.name ?? '',
        namespace: this.#o.namespace,
        gracePeriodSeconds: 0,
      })
      .catch(() => {}); // already gone
  }

  /** Stops watching and stops every process, waiting until each has exited. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#abort?.abort();
    for (const uid of [...this.#probes.keys()]) this.#stopProbe(uid);
    await Promise.all([...this.#running.keys()].map((uid) => this.#terminate(uid, 5000)));
  }
}
