/**
 * bench/k8s: the kubernetes target against the local control plane (see docs/testing-kubernetes.md).
 *
 * 1. Reaction to readiness: a revision is applied; we time, from the apply, (a) the moment the
 *    target's watch-driven `changes()` wakes and `observe()` reports every replica ready (what the
 *    engine's next step sees), and (b) the moment `kubectl rollout status` on the same Deployment
 *    returns. Medians of RUNS runs; the difference is what watch-driven progress gains or loses.
 * 2. Render + validate + server-side apply of 100 services into one namespace.
 *
 * Run: `node_modules/.bin/node bench/k8s/run.ts` (starts or reuses the cluster). Prints a table.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { toReleaseSpec } from '../../src/config/index.ts';
import { KubeClient } from '../../src/targets/kubernetes/client.ts';
import { renderEnvironment } from '../../src/targets/kubernetes/render/index.ts';
import { validateObjects } from '../../src/targets/kubernetes/validate/index.ts';
import { connectCluster } from '../../test/support/k8s/cluster.ts';
import { BLUE_GREEN, digest, makeConfig, openTarget } from '../../test/targets/kubernetes/runtime/support.ts';

const run = promisify(execFile);
const RUNS = Number(process.env.RUNS ?? 5);
const SERVICES = Number(process.env.SERVICES ?? 100);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

const found = await connectCluster({ ...process.env, SLIPWAY_K8S: process.env.SLIPWAY_K8S ?? '' });
if (!found.cluster) {
  console.log(found.skip);
  process.exit(0);
}
const cluster = found.cluster;
const kubectl = `${cluster.paths.bin}/kubectl`;

async function namespace(name: string): Promise<string> {
  await cluster.core.createNamespace({
    body: { metadata: { name, labels: { 'slipway.dev/test': 'true' } } },
  });
  return name;
}

async function reaction(i: number): Promise<{ engine: number; kubectl: number }> {
  const ns = await namespace(`bench-watch-${process.pid}-${i}`);
  try {
    const config = makeConfig({ namespace: ns, strategy: BLUE_GREEN });
    const target = openTarget(cluster, config);
    const { release: _, ...rest } = toReleaseSpec(config, {
      environment: 'production',
      release: 1,
      digest: digest(`b${i}`),
    });
    const spec = { ...rest, release: 1 };
    const stop = new AbortController();
    const wakes = target.changes(stop.signal)[Symbol.asyncIterator]();
    const t0 = performance.now();
    await target.apply([{ kind: 'ensure-revision', release: 1, replicas: 2 }], spec);
    const rollout = run(kubectl, [
      '--kubeconfig',
      cluster.paths.kubeconfig,
      '-n',
      ns,
      'rollout',
      'status',
      'deployment/hello-r1',
      '--timeout=120s',
    ]).then(() => performance.now() - t0);
    let engine = Number.NaN;
    for (;;) {
      await wakes.next();
      const obs = await target.observe();
      if (obs.revisions[0] && obs.revisions[0].ready === 2) {
        engine = performance.now() - t0;
        break;
      }
    }
    stop.abort();
    return { engine, kubectl: await rollout };
  } finally {
    await cluster.core.deleteNamespace({ name: ns, propagationPolicy: 'Background' }).catch(() => {});
  }
}

async function hundred(): Promise<{ render: number; validate: number; apply: number; objects: number }> {
  const ns = await namespace(`bench-apply-${process.pid}`);
  const client = new KubeClient(cluster.kubeConfig);
  let render = 0;
  let validate = 0;
  let apply = 0;
  let objects = 0;
  try {
    const base = makeConfig({ namespace: ns, strategy: BLUE_GREEN });
    for (let s = 0; s < SERVICES; s++) {
      const config = { ...base, service: `svc-${s}` };
      let t = performance.now();
      const objs = renderEnvironment(config, {
        environment: 'production',
        revisions: [{ release: 1, digest: digest(`s${s}`), replicas: 1 }],
        traffic: { weights: { '1': 100 } },
      });
      render += performance.now() - t;
      t = performance.now();
      const report = validateObjects(objs, config.kubernetes.waivers ?? []);
      validate += performance.now() - t;
      if (!report.ok) throw new Error(`svc-${s} does not validate`);
      t = performance.now();
      for (const o of objs) await client.apply({ ...o, metadata: { ...o.metadata, namespace: ns } });
      apply += performance.now() - t;
      objects += objs.length;
    }
  } finally {
    await cluster.core.deleteNamespace({ name: ns, propagationPolicy: 'Background' }).catch(() => {});
  }
  return { render, validate, apply, objects };
}

const samples: { engine: number; kubectl: number }[] = [];
for (let i = 0; i < RUNS; i++) samples.push(await reaction(i));
const engine = median(samples.map((s) => s.engine));
const kube = median(samples.map((s) => s.kubectl));
const h = await hundred();

console.log(
  `\nbench/k8s — Kubernetes v${cluster.paths.kubernetesVersion} (kwok nodes), ${RUNS} runs, medians\n`,
);
console.log('| measure | slipway (watch) | kubectl rollout status | ratio |');
console.log('|---|---|---|---|');
console.log(
  `| apply → all replicas ready seen (ms) | ${engine.toFixed(0)} | ${kube.toFixed(0)} | ${(engine / kube).toFixed(2)} |`,
);
console.log(`\n| ${SERVICES} services, ${h.objects} objects | total (ms) | per service (ms) |`);
console.log('|---|---|---|');
for (const [k, v] of [
  ['render', h.render],
  ['validate', h.validate],
  ['server-side apply', h.apply],
] as const) {
  console.log(`| ${k} | ${v.toFixed(0)} | ${(v / SERVICES).toFixed(1)} |`);
}
