/**
 * E2E set-up: a temporary service folder with its own slipway.yaml and examples/hello inside it (its
 * `npm run bundle` output, one dependency-free file in `app/`), the CLI run as a child process, and
 * clean-up that stops the keeper and daemon (and so every app) it started. The artifact must lie
 * inside the service folder and carry its own dependencies, so the folder lives outside the
 * repository (where nothing is git-ignored) and the app is the bundle, as examples/hello ships it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DaemonClient, isAlive, stopDaemon } from '../../../src/targets/local/index.ts';
import { freePort } from '../../../src/targets/local/supervisor/ports.ts';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const NODE = join(REPO, 'node_modules', '.bin', 'node');
const ENTRY = fileURLToPath(new URL('./slipway.ts', import.meta.url));
const HELLO = join(REPO, 'examples', 'hello');

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ConfigOptions {
  port: number;
  env?: Record<string, string | number>;
  strategy?: string;
  replicas?: number;
  analysis?: string;
  /** Extra top-level YAML (secrets…). */
  extra?: string;
  build?: string;
  /** Artifact folder (default `app`, the bundled examples/hello). */
  path?: string;
  /** Start command (default `node server.mjs`, the bundle's). */
  start?: string;
  retryMethods?: string[];
  /** Extra environments (YAML indented under `environments:`). */
  environments?: string;
  /** Extra keys of development's `proxy:` mapping, one flow-style line each (e.g. `pinning: { enabled: true }`). */
  proxy?: string[];
}

export class Workspace {
  readonly dir: string;
  readonly port: number;
  /** CLI processes still running; killed before the daemon is stopped, so none starts it again. */
  readonly children = new Set<ChildProcess>();
  constructor(dir: string, port: number) {
    this.dir = dir;
    this.port = port;
  }

  get stateDir(): string {
    return join(this.dir, '.slipway');
  }

  get configFile(): string {
    return join(this.dir, 'slipway.yaml');
  }

  async write(opts: Omit<ConfigOptions, 'port'> = {}): Promise<void> {
    await writeFile(this.configFile, configYaml({ port: this.port, ...opts }));
  }

  /** Runs `slipway <args> --config <ours>`; resolves with the exit code and output. */
  run(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(NODE, [ENTRY, ...args, '--config', this.configFile], {
        cwd: this.dir,
        env: { ...process.env, CI: 'true', ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.track(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Starts the CLI and returns the child (for killing it mid-operation). */
  start(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): ChildProcess {
    return this.track(
      spawn(NODE, [ENTRY, ...args, '--config', this.configFile], {
        cwd: this.dir,
        env: { ...process.env, CI: 'true', ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
  }

  track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.run([...args, '--json']);
    if (r.code !== 0) throw new Error(`slipway ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as T;
  }

  async history(): Promise<{ release: number; outcome?: string; reasons: string[] }[]> {
    const r = await this.run(['history', '--json']);
    return r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  }

  async daemonPid(): Promise<number | undefined> {
    return (await DaemonClient.read(this.stateDir))?.info.pid;
  }
}

/** A workspace removed (daemon stopped, folder deleted) when the test ends. */
/**
 * `port`: the proxy port; by default a free one from the kernel, i.e. from the ephemeral range, where
 * a busy machine's outgoing connections may take it before the first deploy binds it.
 */
export async function workspace(t: TestContext, port?: number): Promise<Workspace> {
  const base = join(tmpdir(), 'slipway-e2e');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, 'ws-'));
  await copyBundledHello(dir);
  const ws = new Workspace(dir, port ?? (await freePort()));
  t.after(async () => {
    for (const child of ws.children) child.kill('SIGKILL');
    await stopDaemon(ws.stateDir, 20_000).catch(() => false);
    // Whatever still runs (a daemon that did not answer, or one a dying CLI started again) is killed,
    // its keeper first (a keeper restarts a killed daemon; its apps die with it).
    for (let i = 0; i < 3; i++) {
      const client = await DaemonClient.read(ws.stateDir);
      const pids = [client?.info.keeperPid, client?.info.pid].filter((p): p is number => !!p && isAlive(p));
      if (pids.length === 0) break;
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
    await rm(dir, { recursive: true, force: true });
  });
  return ws;
}

export const ROLLING = 'rolling: { maxSurge: 1, maxUnavailable: 0 }';
export const CANARY = `canary:
    continuousAnalysis: true
    steps:
      - setWeight: 20
      - pause: { duration: 3s }
      - setWeight: 50
      - pause: { duration: 3s }`;
export const BLUE_GREEN = `blue-green: { prePromotionAnalysis: false, autoPromote: true, scaleDownDelay: 2s }`;

export function configYaml(o: ConfigOptions): string {
  const env = { LOG_LEVEL: 'warn', ...o.env };
  const path = o.path ?? 'app';
  return `service: hello
artifact:
  image: ghcr.io/slipway-dev/hello
  local:
${o.build ? `    build: ${JSON.stringify(o.build)}\n` : ''}    path: ${JSON.stringify(path)}
    start: ${o.start ?? 'node server.mjs'}
health:
  startup: { path: /healthz, period: 250ms, timeout: 250ms, failureThreshold: 80 }
  readiness: { path: /readyz, period: 300ms, timeout: 300ms, failureThreshold: 3 }
  liveness: { path: /healthz, period: 1s, timeout: 1s, failureThreshold: 3 }
replicas: ${o.replicas ?? 1}
env:
${Object.entries(env)
  .map(([k, v]) => `  ${k}: ${JSON.stringify(String(v))}`)
  .join('\n')}
strategy:
  ${o.strategy ?? ROLLING}
analysis:
  ${o.analysis ?? '{ maxErrorRate: 0.02, failureBudget: 20, minSample: 30, alpha: 0.01, noData: inconclusive }'}
progressDeadline: 60s
${o.extra ?? ''}
environments:
  development:
    target: local
    proxy:
      port: ${o.port}
      retry: { methods: ${JSON.stringify(o.retryMethods ?? ['GET', 'HEAD', 'OPTIONS'])}, budgetPercent: 20 }
      drainTimeout: 2s
${(o.proxy ?? []).map((line) => `      ${line}\n`).join('')}${o.environments ?? ''}`;
}

const BUNDLE = join(HELLO, 'dist', 'server.mjs');

/** examples/hello's bundle (built once when missing) copied into `<dir>/app` with a dependency-free package.json. */
async function copyBundledHello(dir: string): Promise<void> {
  if (!(await stat(BUNDLE).catch(() => undefined))) {
    // Built beside and renamed, so a test file running at the same time never copies half a bundle.
    const out = join(HELLO, 'dist', `server.${process.pid}.mjs`);
    execFileSync('npm', ['run', 'bundle', '--', `--outfile=${out}`], { cwd: HELLO, stdio: 'ignore' });
    await rename(out, BUNDLE);
  }
  await mkdir(join(dir, 'app'), { recursive: true });
  await copyFile(BUNDLE, join(dir, 'app', 'server.mjs'));
  const pkg = { name: 'hello-bundled', version: '1.0.0', private: true, type: 'module' };
  await writeFile(join(dir, 'app', 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}
