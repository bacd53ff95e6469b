/**
 * A real Prometheus (the Debian `prometheus` binary) that scrapes the stand-in processes the way it
 * would scrape pods in a cluster run by prometheus-operator: with the relabelings the operator
 * generates from the PodMonitors Slipway applied. The harness reads those PodMonitors from the
 * cluster (never from Slipway's code) and reloads Prometheus when they change, so a PodMonitor whose
 * labels do not match the analysis queries shows up as "no data".
 *
 * Discovery: Debian builds Prometheus without Kubernetes service discovery, so the harness does its
 * part — it lists the namespace's pods and writes, per pod and container port, a file_sd target
 * carrying the `__meta_kubernetes_*` labels Kubernetes pod discovery would give it (namespace, pod
 * name, labels, annotations, phase, container and port names). Relabeling then runs in Prometheus
 * itself, unchanged. The target address is the pod's stand-in process (`slipway.test/address`,
 * see pods.ts), since kwok's pod IPs route nowhere; pods without one are not targets yet.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoreV1Api, KubernetesObjectApi, V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { stopProcess } from '../../processes.ts';
import { startPrometheus } from '../../prometheus.ts';
import { ADDRESS_ANNOTATION } from './pods.ts';

interface Relabeling {
  action?: string;
  sourceLabels?: string[];
  separator?: string;
  targetLabel?: string;
  regex?: string;
  modulus?: number;
  replacement?: string;
}
interface PodMonitor {
  metadata: { name: string; namespace: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    podMetricsEndpoints?: { port?: string; path?: string; interval?: string; relabelings?: Relabeling[] }[];
  };
}

const sanitize = (label: string) => label.replace(/\W/g, '_');

/** A relabeling as the operator writes it into prometheus.yml (camelCase → snake_case keys). */
function relabel(r: Relabeling): Record<string, unknown> {
  return {
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.targetLabel ? { target_label: r.targetLabel } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action ? { action: r.action.toLowerCase() } : {}),
  };
}

/**
 * The scrape configs prometheus-operator generates for a PodMonitor (its `generatePodMonitorConfig`:
 * pod role discovery in the monitor's namespace, keep by matchLabels and port name, the
 * namespace/container/pod/job/endpoint target labels, then the endpoint's own relabelings).
 */
export function podMonitorScrapeConfigs(pm: PodMonitor, targetsFile: string): Record<string, unknown>[] {
  const { name, namespace } = pm.metadata;
  return (pm.spec.podMetricsEndpoints ?? []).map((ep, i) => ({
    job_name: `podMonitor/${namespace}/${name}/${i}`,
    honor_labels: false,
    // The operator writes kubernetes_sd_configs (role pod, this namespace); see the header.
    file_sd_configs: [{ files: [targetsFile], refresh_interval: '1s' }],
    metrics_path: ep.path ?? '/metrics',
    ...(ep.interval ? { scrape_interval: ep.interval } : {}),
    relabel_configs: [
      { source_labels: ['job'], target_label: '__tmp_prometheus_job_name' },
      ...Object.entries(pm.spec.selector?.matchLabels ?? {}).map(([k, v]) => ({
        action: 'keep',
        source_labels: [
          `__meta_kubernetes_pod_label_${sanitize(k)}`,
          `__meta_kubernetes_pod_labelpresent_${sanitize(k)}`,
        ],
        regex: `(${v});true`,
      })),
      { action: 'drop', source_labels: ['__meta_kubernetes_pod_phase'], regex: '(Failed|Succeeded)' },
      ...(ep.port
        ? [{ action: 'keep', source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ep.port }]
        : []),
      { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
      { source_labels: ['__meta_kubernetes_pod_container_name'], target_label: 'container' },
      { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
      { target_label: 'job', replacement: `${namespace}/${name}` },
      ...(ep.port ? [{ target_label: 'endpoint', replacement: ep.port }] : []),
      ...(ep.relabelings ?? []).map(relabel),
    ],
  }));
}

/**
 * One file_sd target group per pod container port, with the labels Kubernetes pod discovery gives
 * (`__meta_kubernetes_namespace`, `_pod_name`, `_pod_label_*`/`_labelpresent_*`,
 * `_pod_annotation_*`/`_annotationpresent_*`, `_pod_phase`, `_pod_container_name`,
 * `_pod_container_port_name`/`_number`). Pods without a stand-in address are left out.
 */
export function podTargets(pods: V1Pod[]): { targets: string[]; labels: Record<string, string> }[] {
  const groups: { targets: string[]; labels: Record<string, string> }[] = [];
  for (const pod of pods) {
    const address = pod.metadata?.annotations?.[ADDRESS_ANNOTATION];
    if (!address) continue;
    const meta: Record<string, string> = {
      __meta_kubernetes_namespace: pod.metadata?.namespace ?? '',
      __meta_kubernetes_pod_name: pod.metadata?.name ?? '',
      __meta_kubernetes_pod_phase: pod.status?.phase ?? 'Pending',
      __meta_kubernetes_pod_node_name: pod.spec?.nodeName ?? '',
      __meta_kubernetes_pod_uid: pod.metadata?.uid ?? '',
    };
    for (const [k, v] of Object.entries(pod.metadata?.labels ?? {})) {
      meta[`__meta_kubernetes_pod_label_${sanitize(k)}`] = v;
      meta[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = 'true';
    }
    for (const [k, v] of Object.entries(pod.metadata?.annotations ?? {})) {
      meta[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = v;
      meta[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = 'true';
    }
    for (const c of pod.spec?.containers ?? []) {
      for (const port of c.ports ?? []) {
        groups.push({
          targets: [address],
          labels: {
            ...meta,
            __meta_kubernetes_pod_container_name: c.name,
            __meta_kubernetes_pod_container_port_name: port.name ?? '',
            __meta_kubernetes_pod_container_port_number: String(port.containerPort),
            __meta_kubernetes_pod_container_port_protocol: port.protocol ?? 'TCP',
          },
        });
      }
    }
  }
  return groups;
}

export interface ClusterPrometheusOptions {
  objects: KubernetesObjectApi;
  core: CoreV1Api;
  namespace: string;
  scrapeInterval?: string;
}

export class ClusterPrometheus {
  readonly #o: ClusterPrometheusOptions;
  readonly #dir = mkdtempSync(join(tmpdir(), 'slipway-cluster-prom-'));
  #child: ChildProcess | undefined;
  #timer: NodeJS.Timeout | undefined;
  #config = '';
  #targets = '';
  url = '';

  constructor(opts: ClusterPrometheusOptions) {
    this.#o = opts;
  }

  async start(): Promise<void> {
    // A CRD installed moments ago may answer 429 ("storage is (re)initializing") for a while.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#writeConfig();
        break;
      } catch (err) {
        if (attempt >= 60) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    const started = await startPrometheus(this.#dir);
    this.url = started.url;
    this.#child = started.child;
    // PodMonitors come and go with releases: follow them (SIGHUP reloads the configuration).
    this.#timer = setInterval(() => void this.#writeConfig().catch(() => {}), 250);
  }

  async #writeConfig(): Promise<void> {
    const list = (await this.#o.objects.list(
      'monitoring.coreos.com/v1',
      'PodMonitor',
      this.#o.namespace,
    )) as unknown as { items: PodMonitor[] };
    const pods = await this.#o.core.listNamespacedPod({ namespace: this.#o.namespace });
    const targets = JSON.stringify(podTargets(pods.items));
    if (targets !== this.#targets) {
      // file_sd reads the file whenever it changes: replace it whole, never half-written.
      writeFileSync(join(this.#dir, 'targets.json.tmp'), targets);
      renameSync(join(this.#dir, 'targets.json.tmp'), join(this.#dir, 'targets.json'));
      this.#targets = targets;
    }
    const file = join(this.#dir, 'targets.json');
    const text = stringify({
      global: { scrape_interval: this.#o.scrapeInterval ?? '1s', evaluation_interval: '1s' },
      scrape_configs: list.items.flatMap((pm) => podMonitorScrapeConfigs(pm, file)),
    });
    if (text === this.#config) return;
    this.#config = text;
    writeFileSync(join(this.#dir, 'prometheus.yml'), text);
    this.#child?.kill('SIGHUP');
  }

  /** Series of `query` right now (instant query). */
  async query(query: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await res.json()) as {
      data: { result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    return body.data.result;
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#child) await stopProcess(this.#child, 5000);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
