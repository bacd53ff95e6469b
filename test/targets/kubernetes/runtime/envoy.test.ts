// The HTTPRoute the kubernetes target applies, served by a real Gateway API implementation: Contour
// programs Envoy from it (scripts/k8s/dataplane.sh), EndpointSlices carry the stand-in pods' own
// 10.244.x.y addresses, and the split users get is counted from Envoy's answers — no stand-in in the
// request path. Skips with the other cluster tests when the cluster is not built.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { describe, test } from 'node:test';
import { toReleaseSpec } from '../../../../src/config/index.ts';
import { deploy } from '../../../../src/engine/index.ts';
import { type Cluster, eventually, useCluster } from '../../../support/k8s/cluster.ts';
import { useDataPlane } from '../../../support/k8s/dataplane.ts';
import { PodStandIns, standinDigest } from '../../../support/k8s/standins/pods.ts';
import { engineDeps, makeConfig, openTarget } from './support.ts';

const found = await useCluster();
const REQUESTS = 1000;

describe('Envoy, programmed by Contour from the HTTPRoute Slipway applies', { skip: found.skip }, () => {
  test('a 90/10 canary step: the split measured at Envoy, no errors', { timeout: 600_000 }, async (t) => {
    const cluster = found.cluster as Cluster;
    const plane = await useDataPlane();
    const ns = await cluster.namespace(t);
    const v1 = standinDigest(1, 'envoy v1');
    const v2 = standinDigest(2, 'envoy v2');
    const pods = new PodStandIns({
      kubeConfig: cluster.kubeConfig,
      core: cluster.core,
      objects: cluster.objects,
      namespace: ns,
      podNetwork: true,
      images: { [v1]: { APP_VERSION: 'r1' }, [v2]: { APP_VERSION: 'r2' } },
    });
    await pods.start();
    t.after(async () => {
      await pods.stop();
      // Nothing finishes these pods' deletion once their kubelet is gone: remove them now, so Contour
      // drops their endpoints and the namespace can go.
      await cluster.core
        .deleteCollectionNamespacedPod({ namespace: ns, gracePeriodSeconds: 0 })
        .catch(() => {});
    });
    // Every test's route is on the one shared Gateway: a hostname of its own keeps them apart.
    const host = `${ns}.hello.test`;

    const gateway = `  gateway: { parentRef: { name: ${plane.gateway.name}, namespace: ${plane.gateway.namespace} }, hostnames: [${host}] }`;
    const strategy = 'canary:\n  steps:\n    - setWeight: 10\n    - pause: {}';
    const config = makeConfig({ namespace: ns, strategy, kubernetes: gateway });
    const target = openTarget(cluster, config);
    const input = (digest: string) => {
      const { release: _, ...spec } = toReleaseSpec(config, {
        environment: 'production',
        release: 1,
        digest,
      });
      return { spec, config };
    };
    const first = await deploy(engineDeps(target), input(v1));
    assert.equal(first.kind, 'promoted', first.reasons.join('; '));

    const stop = new AbortController();
    const running = deploy(engineDeps(target, { signal: stop.signal }), input(v2));
    t.after(async () => {
      stop.abort(new Error('test over'));
      await running.catch(() => {});
    });
    await eventually('release 2 at weight 10', async () =>
      (await target.weights())['2'] === 10 ? true : undefined,
    );
    assert.deepEqual(await target.weights(), { '1': 90, '2': 10 });

    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    t.after(() => agent.destroy());
    const get = () => answer(plane.http, host, agent);
    // Contour pushes the route and both revisions' endpoints to Envoy within a moment of the apply.
    await eventually(
      'Envoy routes to both revisions',
      async () => {
        const seen = new Set<string>();
        for (let i = 0; i < 60; i++) seen.add(await get());
        return seen.has('r1') && seen.has('r2') ? true : undefined;
      },
      60_000,
      500,
    );

    // Envoy's own per-backend counters (cluster `<namespace>_<service>_<port>`): the in-band
    // evidence a gateway gives, read before and after so the warm-up above does not count.
    const upstream = async () => {
      const stats = await envoyStats(plane.admin);
      const of = (r: number) => stats.get(`cluster.${ns}_hello-r${r}_80.upstream_rq_total`) ?? 0;
      return { r1: of(1), r2: of(2) };
    };
    const before = await upstream();
    const counts: Record<string, number> = {};
    for (let i = 0; i < REQUESTS; i++) {
      const version = await get();
      counts[version] = (counts[version] ?? 0) + 1;
    }
    t.diagnostic(
      `answers through Envoy ${plane.envoyVersion} (Contour ${plane.contourVersion}): ${JSON.stringify(counts)}`,
    );
    assert.deepEqual(
      Object.keys(counts).sort(),
      ['r1', 'r2'],
      `every request answered by a revision: ${JSON.stringify(counts)}`,
    );
    const after = await upstream();
    assert.deepEqual(
      { r1: after.r1 - before.r1, r2: after.r2 - before.r2 },
      { r1: counts.r1, r2: counts.r2 },
      "Envoy's per-backend request counters agree with what the client saw",
    );
    // 10 % of 1000 is 100 ± 9.5 (binomial sd): 4 sd either side.
    const r2 = counts.r2 ?? 0;
    assert.ok(
      r2 >= 62 && r2 <= 138,
      `release 2 got ${r2} of ${REQUESTS} requests; expected about 100 (10 %)`,
    );
  });
});

/** Envoy's counters and gauges (`/stats`, `name: value` lines) from its admin Unix socket. */
function envoyStats(socketPath: string): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/stats', headers: { host: 'envoy' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        const out = new Map<string, number>();
        for (const line of body.split('\n')) {
          const m = /^(\S+): (\d+)$/.exec(line);
          if (m) out.set(m[1] as string, Number(m[2]));
        }
        resolve(out);
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** GET / through Envoy with the route's Host; the answering revision's APP_VERSION, or `status <code>`. */
function answer(address: string, host: string, agent: Agent): Promise<string> {
  const [ip, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host: ip, port: Number(port), path: '/', headers: { host }, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve(`status ${res.statusCode}`);
        resolve(String((JSON.parse(body) as { version?: string }).version));
      });
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('no answer from Envoy within 5 s')));
    req.end();
  });
}
