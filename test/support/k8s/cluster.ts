// Connects node:test suites to the local Kubernetes control plane built by scripts/k8s/ (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler and kwok, run by kwokctl).
//
// The first test file of a run that needs the cluster starts it through scripts/k8s/up.sh; the
// others (separate processes under `node --test`) reuse it. up.sh records the test runner's PID and
// a watchdog stops a cluster that a test run started once no runner uses it any more, so a run
// leaves no process behind. A cluster started by hand (`npm run k8s:up`) keeps running.
//
// SLIPWAY_K8S (and CI) decide what happens when the cluster is missing:
//   unset  skip, with a message, when the binaries are not built; otherwise start and use it.
//          Under CI=true a cluster that is not built FAILS the suite instead, naming what builds
//          it (scripts/ci/40-k8s.sh, npm run k8s:up): a CI run must not pass by skipping silently.
//   1      required: build if needed (not under CI: there 40-k8s.sh builds first), start, and
//          fail the suite if that does not work
//   0      skip always (a CI job without a cluster on purpose says so in its workflow)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  type Middleware,
  ServerConfiguration,
} from '@kubernetes/client-node';

const run = promisify(execFile);
const scripts = join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/k8s');

/** What scripts/k8s/paths.sh reports: pinned versions, the binaries' folder and the kubeconfig path. */
export interface ClusterPaths {
  kubernetesVersion: string;
  etcdVersion: string;
  kwokVersion: string;
  gatewayApiVersion: string;
  bin: string;
  kubeconfig: string;
  built: boolean;
}

/** A running cluster, shared by every test of this run. */
export interface Cluster {
  readonly paths: ClusterPaths;
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly objects: KubernetesObjectApi;
  /** Like `objects`, but every request carries fieldValidation=Strict: unknown fields are errors. */
  readonly strictObjects: KubernetesObjectApi;
  /** Creates a namespace for this test only; it is deleted when the test ends. */
  namespace(t: TestContext): Promise<string>;
  /** Runs the kubectl built for this cluster against it; rejects with kubectl's stderr on failure. */
  kubectl(args: string[], input?: string): Promise<{ stdout: string; stderr: string }>;
}

/** Either a cluster, or why the suite is skipped (pass it to `describe`/`test` as `{ skip }`). */
export type ClusterOrSkip = { cluster: Cluster; skip: false } | { cluster: undefined; skip: string };

export async function readPaths(): Promise<ClusterPaths> {
  const { stdout } = await run(join(scripts, 'paths.sh'));
  return JSON.parse(stdout) as ClusterPaths;
}

let shared: Promise<ClusterOrSkip> | undefined;

/**
 * Starts the cluster or reuses the running one, once per process. Resolves to `{ skip }` when the
 * tests cannot run here and are not required; rejects (so the suite fails) when SLIPWAY_K8S=1 and
 * the cluster cannot be built or started.
 */
export function useCluster(): Promise<ClusterOrSkip> {
  shared ??= connectCluster(process.env);
  return shared;
}

/** How a run treats the Kubernetes suites: off, required (CI or SLIPWAY_K8S=1), or when built. */
export function clusterMode(env: NodeJS.ProcessEnv): 'off' | 'required' | 'when-built' {
  const mode = env.SLIPWAY_K8S ?? '';
  if (mode === '0') return 'off';
  if (mode !== '' && mode !== '1') {
    throw new Error(`SLIPWAY_K8S must be 1 (required), 0 (off) or unset (run when built); got '${mode}'.`);
  }
  return mode === '1' || isCi(env) ? 'required' : 'when-built';
}

export const isCi = (env: NodeJS.ProcessEnv): boolean => env.CI === 'true' || env.CI === '1';

/** Why a suite that needs the cluster cannot run here, for a skip (locally) or a failure (CI). */
export function notBuilt(
  paths: Pick<ClusterPaths, 'kubernetesVersion' | 'bin'>,
  env: NodeJS.ProcessEnv,
): string {
  const what = `the local Kubernetes control plane (Kubernetes v${paths.kubernetesVersion}) is not built in ${paths.bin}`;
  const build = `build and start it with 'bash scripts/ci/40-k8s.sh' (what .ci/run does before npm test) or 'npm run k8s:up' (a cold build takes tens of minutes)`;
  return isCi(env)
    ? `Kubernetes suites cannot run under CI=true: ${what}; ${build}, or set SLIPWAY_K8S=0 in a job that has no cluster on purpose.`
    : `Kubernetes tests skipped: ${what}; ${build}, or set SLIPWAY_K8S=1 to require these tests.`;
}

/** What useCluster does, without the per-process cache and with the environment passed in. */
export async function connectCluster(
  env: NodeJS.ProcessEnv,
  locate: () => Promise<ClusterPaths> = readPaths,
): Promise<ClusterOrSkip> {
  const mode = clusterMode(env);
  if (mode === 'off') return skip('SLIPWAY_K8S=0 turns the Kubernetes tests off.');
  const required = mode === 'required';
  const paths = await locate();
  if (!paths.built) {
    // CI builds the cluster before the tests (scripts/ci/40-k8s.sh): one missing there is a broken run.
    if (isCi(env)) throw new Error(notBuilt(paths, env));
    if (!required) return skip(notBuilt(paths, env));
  }
  // Under `node --test` each file is a child of the runner: the runner's PID outlives all files.
  const userPid = env.NODE_TEST_CONTEXT ? process.ppid : process.pid;
  let kubeconfig: string;
  try {
    const { stdout } = await run(join(scripts, 'up.sh'), ['--user-pid', String(userPid)], {
      // A required run may have to build first (CI builds in scripts/ci/40-k8s.sh beforehand).
      timeout: (required ? 60 : 5) * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    kubeconfig = stdout.trim().split('\n').at(-1) ?? '';
  } catch (error) {
    const { code, signal, stderr } = error as { code?: number; signal?: string; stderr?: string };
    const tail = (stderr ?? '').trimEnd().split('\n').slice(-30).join('\n');
    throw new Error(
      `The local Kubernetes cluster did not start: scripts/k8s/up.sh ended with ${signal ?? `exit code ${code}`}. ` +
        `Its last lines:\n${tail}`,
    );
  }
  return { cluster: makeCluster({ ...paths, kubeconfig }), skip: false };
}

function skip(reason: string): ClusterOrSkip {
  return { cluster: undefined, skip: reason };
}

function makeCluster(paths: ClusterPaths): Cluster {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(paths.kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return {
    paths,
    kubeConfig,
    core,
    apps: kubeConfig.makeApiClient(AppsV1Api),
    objects: KubernetesObjectApi.makeApiClient(kubeConfig),
    strictObjects: objectsWithQuery(kubeConfig, { fieldValidation: 'Strict' }),
    async namespace(t) {
      const name = namespaceName(t.name);
      await core.createNamespace({
        body: { metadata: { name, labels: { 'slipway.dev/test': 'true' } } },
      });
      t.after(async () => {
        // Background: the namespace controller finishes the deletion; the test need not wait.
        await core.deleteNamespace({ name, propagationPolicy: 'Background' }).catch(() => {});
      });
      return name;
    },
    kubectl(args, input) {
      const child = run(join(paths.bin, 'kubectl'), ['--kubeconfig', paths.kubeconfig, ...args], {
        timeout: 60_000,
      });
      if (input !== undefined) child.child.stdin?.end(input);
      return child;
    },
  };
}

// KubernetesObjectApi ignores per-call middleware (client-node 2.0), so the query parameter goes into
// the client's own configuration.
function objectsWithQuery(kubeConfig: KubeConfig, query: Record<string, string>): KubernetesObjectApi {
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new Error('The kubeconfig has no current cluster');
  const addQuery: Middleware = {
    pre: async (ctx) => {
      for (const [name, value] of Object.entries(query)) ctx.setQueryParam(name, value);
      return ctx;
    },
    post: async (ctx) => ctx,
  };
  return new KubernetesObjectApi(
    createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [addQuery],
    }),
  );
}

/** A DNS-1123 label unique to this test: a slug of the test name plus random hex. */
export function namespaceName(testName: string): string {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `t-${slug || 'test'}-${randomBytes(4).toString('hex')}`;
}

/** Polls `check` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
