/**
 * The example's production environment, as its slipway.yaml stands, released by the CLI into the
 * real test control plane: canary through HTTPRoute weights (5 → 25 → pause → 50 → promoted) with
 * analysis from a real Prometheus — its first deploy process killed mid-analysis and the re-run
 * resuming it — and a broken build rolled back automatically.
 *
 * What is real: the API server, scheduler and controllers (kwok fakes only the nodes), every object
 * Slipway applies, the ExternalSecret and PodMonitor CRDs, Prometheus (pod discovery against the
 * API server, relabelled by the PodMonitor Slipway rendered), examples/hello answering requests.
 * What stands in (test/support/k8s/standins): the kubelet (a process per pod) and the Gateway's data
 * plane (requests routed by the HTTPRoute's weights). `SLIPWAY_PROMETHEUS_URL` points the CLI at
 * that Prometheus, as a CI runner's port-forward would.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../support/browser.ts';
import { type Cluster, eventually, useCluster } from '../support/k8s/cluster.ts';
import { GatewayTraffic } from '../support/k8s/standins/gateway.ts';
import { PodStandIns, standinDigest } from '../support/k8s/standins/pods.ts';
import { ClusterPrometheus } from '../support/k8s/standins/prometheus.ts';
import { prometheusBinary } from '../support/prometheus.ts';

const found = await useCluster();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = `${ROOT}examples/hello/slipway.yaml`;
const MAIN = new URL('../../src/cli/main.ts', import.meta.url).href;
const NS = 'hello-production';
const IMAGE = 'ghcr.io/slipway-dev/hello';
// Digests the stand-in kubelet owns the pod status of: readiness is the process's, not kwok's.
const GOOD_1 = standinDigest(1, 'hello good 1');
const GOOD_2 = standinDigest(2, 'hello good 2');
const BROKEN = standinDigest(3, 'hello broken');

// In CI the rehearsal must run: scripts/ci/10-system-packages.sh installs Prometheus.
const noPrometheus =
  prometheusBinary() || process.env.CI === 'true'
    ? false
    : 'the prometheus binary is not installed (apt-get install prometheus)';
const skip = found.skip || noPrometheus;

interface Run {
  child: ChildProcess;
  /** What the command has printed so far. */
  output(): string;
  done: Promise<{ code: number; stdout: string; stderr: string }>;
}

function slipway(args: string[], env: NodeJS.ProcessEnv): Run {
  const script = `const { main } = await import(${JSON.stringify(MAIN)}); process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  return { child, output: () => stdout + stderr, done };
}

describe('slipway deploy --env production of examples/hello on the test cluster', { skip }, () => {
  test('canary by HTTPRoute weights to promotion, then a broken build rolled back', {
    timeout: 900_000,
  }, async (t) => {
    const cluster = found.cluster;
    assert.ok(cluster);
    const { core, objects, kubeConfig } = cluster;
    const env = { PATH: process.env.PATH, HOME: ROOT, KUBECONFIG: cluster.paths.kubeconfig, CI: 'true' };

    // A clean namespace (a previous run's may still be terminating) and the Gateway the route names.
    await removeNamespace(cluster, NS);
    await cluster.kubectl(['apply', '--server-side', '--field-manager=slipway-test', '-f', '-'], GATEWAY);

    const pods = new PodStandIns({
      kubeConfig,
      core,
      objects,
      namespace: NS,
      images: { [BROKEN]: { FAIL_RATE: '1' } },
    });
    await pods.start();
    // After the stand-ins stop, nothing finishes their pods' deletion: the namespace goes with them.
    t.after(async () => {
      await pods.stop();
      await removeNamespace(cluster, NS);
    });
    const prometheus = new ClusterPrometheus({
      objects,
      core,
      namespace: NS,
    });
    await prometheus.start();
    t.after(() => prometheus.stop());
    const cli = { ...env, SLIPWAY_PROMETHEUS_URL: prometheus.url };
    const deploy = (d: string) =>
      slipway(['deploy', '-c', CONFIG, '--env', 'production', '--artifact', `${IMAGE}@${d}`], cli);

    // Release 1: the first release has nothing to compare with and goes straight to serving.
    const first = await deploy(GOOD_1).done;
    assert.equal(first.code, 0, `first release:\n${first.stdout}\n${first.stderr}`);
    await eventually(
      '4 stand-ins serve release 1',
      async () => (pods.running.size >= 4 ? true : undefined),
      60_000,
    );

    const rate = Number(process.env.SLIPWAY_E2E_RATE ?? 250);
    const traffic = new GatewayTraffic({
      objects,
      core,
      namespace: NS,
      route: 'hello',
      pods,
      rate,
      maxDurationMs: 600_000,
    });
    await traffic.start();
    t.after(() => traffic.stop());

    // Release 2: a good build through every step; the pause waits for `slipway promote`. The first
    // deploy process is killed (SIGKILL) while it analyses at 5 %; running deploy again resumes it.
    const killed = deploy(GOOD_2);
    t.after(() => killed.child.kill('SIGKILL'));
    await eventually(
      'release 2 analyses at 5%',
      async () => (/release 2 analysing: step 2\//.test(killed.output()) ? true : undefined),
      120_000,
      200,
    );
    killed.child.kill('SIGKILL');
    await killed.done;
    // Its Lease is still held until it expires: --wait waits for it instead of failing (exit 3).
    const second = slipway(
      ['deploy', '-c', CONFIG, '--env', 'production', '--artifact', `${IMAGE}@${GOOD_2}`, '--wait'],
      cli,
    );
    t.after(() => second.child.kill('SIGTERM'));
    // What a user sees: the deploy says it is paused and waits for `slipway promote`.
    let exited = false;
    void second.done.then(() => {
      exited = true;
    });
    for (const deadline = Date.now() + 480_000; !/release 2 paused/.test(second.output()); ) {
      if (exited || Date.now() > deadline) {
        assert.fail(`release 2 did not pause for promote:\n${second.output().slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(traffic.weights.at(-1)?.weights['hello-r2'], 25, 'paused at 25%');
    assert.match(second.output(), /release 2 was left unfinished; resuming it first/);
    const promote = await slipway(['promote', '-c', CONFIG, '--env', 'production'], env).done;
    assert.equal(promote.code, 0, `promote:\n${promote.stdout}\n${promote.stderr}`);
    const result2 = await second.done;
    assert.equal(result2.code, 0, `release 2:\n${result2.stdout}\n${result2.stderr}`);
    const seen = traffic.weights.map((w) => w.weights['hello-r2'] ?? 0);
    t.diagnostic(
      `release 2 weights seen by the gateway: ${JSON.stringify(traffic.weights.map((w) => w.weights))}`,
    );
    for (const w of [5, 25, 50, 100])
      assert.ok(seen.includes(w), `the route gave release 2 ${w}% (saw ${seen})`);
    const usersAfter2 = traffic.total;
    t.diagnostic(`release 2: ${JSON.stringify(Object.fromEntries(traffic.byRelease))}`);
    assert.equal(
      usersAfter2.errors,
      0,
      `users saw errors during a good release: ${traffic.failures.join('; ')}`,
    );

    // Release 3: every request to the candidate fails; analysis must roll it back by itself.
    const before3 = traffic.byRelease.get('3') ?? { ok: 0, errors: 0 };
    const third = await deploy(BROKEN).done;
    assert.equal(
      third.code,
      1,
      `a broken release ends rolled back (exit 1):\n${third.stdout}\n${third.stderr}`,
    );
    const readRoute = async () =>
      (await objects.read({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'hello', namespace: NS },
      })) as unknown as { spec: { rules: { backendRefs: { name: string; weight: number }[] }[] } };
    const route = await readRoute();
    const weights = Object.fromEntries(route.spec.rules[0]?.backendRefs.map((b) => [b.name, b.weight]) ?? []);
    assert.equal(
      weights['hello-r3'] ?? 0,
      0,
      `the broken release has no traffic: ${JSON.stringify(weights)}`,
    );
    assert.equal(weights['hello-r2'], 100);
    const history = await slipway(['history', '-c', CONFIG, '--env', 'production'], env).done;
    assert.match(history.stdout, /rolled[- ]back/);
    await explainedInTheClusterAndOnTheDashboard(t, env);
    const broken = traffic.byRelease.get('3') ?? before3;
    const firstFailure = traffic.firstErrorAt.get('3');
    const offRoute = traffic.weights.find(
      (w) => firstFailure !== undefined && w.at >= firstFailure && (w.weights['hello-r3'] ?? 0) === 0,
    );
    if (firstFailure && offRoute) {
      t.diagnostic(
        `release 3: first failed user request to weight 0 on the route: ${offRoute.at - firstFailure} ms`,
      );
    }
    t.diagnostic(
      `release 3 (broken): ${broken.errors} failed requests reached users before rollback; history:\n${history.stdout}`,
    );
    assert.ok(broken.errors > 0, 'the broken build did get some traffic (else nothing was tested)');
    // The cost is bounded by how fast evidence arrives: the 5 % share of the load for one scrape
    // interval (the PodMonitor's 5 s) plus a few seconds of reading and applying.
    const bound = Math.ceil(rate * 0.05 * (5 + 6));
    assert.ok(
      broken.errors <= bound,
      `the rollback cost at most a scrape interval and a few seconds of the canary's share (${broken.errors} > ${bound})`,
    );

    // `rollback --dry-run` says what a rollback would do now and leaves the route as it is.
    const plan = await slipway(['rollback', '-c', CONFIG, '--env', 'production', '--dry-run'], env).done;
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /from release 2 \(5ca1ab1e0002.*\) to release 1 \(5ca1ab1e0001/);
    assert.match(plan.stdout, /dry run: nothing was changed/);
    assert.deepEqual((await readRoute()).spec.rules[0]?.backendRefs, route.spec.rules[0]?.backendRefs);

    // `promote --from production --to staging --dry-run`: production's digest, staging's config, into
    // a namespace that does not exist yet; shown, not created.
    const toStaging = await slipway(
      ['promote', '-c', CONFIG, '--from', 'production', '--to', 'staging', '--dry-run'],
      env,
    ).done;
    assert.equal(toStaging.code, 0, toStaging.stderr);
    assert.match(toStaging.stdout, /promotion plan: release \d+ of production \(sha256:5ca1ab1e0002/);
    assert.match(toStaging.stdout, /\+\+\+ planned\/Deployment\/hello-r1/);
    assert.ok(toStaging.stdout.includes(`${IMAGE}@${GOOD_2}`), 'staging would run production’s digest');
    assert.equal(await core.readNamespace({ name: 'hello-staging' }).catch(() => undefined), undefined);
    assert.deepEqual(pods.errors, []);
  });
});

/**
 * Deletes a namespace and waits until it is gone. Pods whose status the stand-in kubelet owned have
 * no kubelet left to confirm their deletion, so they are deleted with grace period 0, as `kubectl
 * delete --force` would.
 */
async function removeNamespace(cluster: Cluster, name: string): Promise<void> {
  const { core } = cluster;
  await core.deleteNamespace({ name }).catch(() => {});
  await eventually(
    `namespace ${name} is gone`,
    async () => {
      const pods = await core.listNamespacedPod({ namespace: name }).catch(() => ({ items: [] }));
      for (const p of pods.items) {
        await core
          .deleteNamespacedPod({ name: p.metadata?.name ?? '', namespace: name, gracePeriodSeconds: 0 })
          .catch(() => {});
      }
      return (await core.readNamespace({ name }).catch(() => undefined)) ? undefined : true;
    },
    120_000,
    1000,
  );
}

const GATEWAY = `apiVersion: v1
kind: Namespace
metadata: { name: gateway-system }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: public, namespace: gateway-system }
spec:
  gatewayClassName: slipway
  listeners:
    - name: https
      protocol: HTTPS
      port: 443
      hostname: "*.example.com"
      tls: { mode: Terminate, certificateRefs: [{ name: public-tls }] }
      allowedRoutes: { namespaces: { from: All } }
`;

/**
 * Release 3's rollback told from the decision journal the engine wrote into the cluster's ledger
 * (Secrets), by `slipway why`, and by the dashboard this CLI serves against the cluster, in real
 * Chromium: the same one-line explanation on both.
 */
async function explainedInTheClusterAndOnTheDashboard(t: TestContext, env: NodeJS.ProcessEnv) {
  const args = ['why', '-c', CONFIG, '--env', 'production', '--release', '3'];
  const text = await slipway(args, env).done;
  assert.equal(text.code, 0, text.stderr);
  t.diagnostic(`slipway why --release 3 on kubernetes:\n${text.stdout}`);
  const told = JSON.parse((await slipway([...args, '--json'], env).done).stdout) as {
    outcome: string;
    headline: string;
    decidedBy?: { rule: string; cause?: string };
    decisions: { rule: string; inputs: { counts: Record<string, unknown> } }[];
  };
  assert.equal(told.outcome, 'rolled-back');
  assert.equal(told.decidedBy?.cause, 'analysis');
  assert.ok(told.decisions.length >= 2, `journaled decisions: ${told.decisions.map((d) => d.rule)}`);
  assert.match(text.stdout, /decided by rule canary\.[a-z.-]+, cause: analysis/);

  const served = slipway(['dashboard', '-c', CONFIG, '--env', 'production', '--json'], env);
  t.after(() => served.child.kill('SIGINT'));
  const url = await eventually(
    'the dashboard link',
    async () => /"url":"([^"]+)"/.exec(served.output())?.[1],
  );
  const browser = await launchBrowser(t);
  if (!browser) return;
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-testid=env-production]', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=last-headline]', { timeout: 60_000 });
  assert.equal(((await page.textContent('[data-testid=last-headline]')) ?? '').trim(), told.headline);
  assert.equal((await page.textContent('[data-testid=last-outcome]'))?.trim(), 'rolled-back');
  await page.close();
  served.child.kill('SIGINT');
  await served.done;
}
