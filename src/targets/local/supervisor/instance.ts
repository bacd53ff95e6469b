/**
 * One app process of a revision, supervised: free port, startup check, readiness and liveness
 * probes, restarts with exponential backoff, a crash loop reported as a failure with the exit
 * code and the last log lines, and a graceful stop (SIGTERM, grace, SIGKILL).
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { type Clock, systemClock } from '../../../engine/clock.ts';
import type { ProbeSettings, RevisionRuntime } from '../runtime.ts';
import { boundAddresses, foreignListener, listeningPorts, wildcardWarning } from './bound-address.ts';
import { type Exit, exitReason, instanceSecrets, lastLines, logWritten } from './exit-report.ts';
import { ignoresPort } from './port-hint.ts';
import { freePort, isListening } from './ports.ts';
import { probe } from './probe.ts';
import type { KnownSecret } from './redact.ts';
import { type AppProcess, type SpawnApp, spawnApp } from './spawn.ts';

export type InstanceState = 'starting' | 'ready' | 'unready' | 'backoff' | 'stopping' | 'stopped' | 'failed';

export interface InstanceStatus {
  index: number;
  state: InstanceState;
  pid?: number;
  port?: number;
  restarts: number;
  /** Why the previous process ended, or why the instance failed. */
  lastExit?: string;
  /** A problem that does not stop the instance: it listens on every interface, not on $HOST. */
  warning?: string;
}

/** The address instances are told to listen on (in `HOST`): only the proxy should reach them. */
export const INSTANCE_HOST = '127.0.0.1';
export const HOST_ENV = 'HOST';

export interface InstanceOptions {
  index: number;
  runtime: RevisionRuntime;
  /** The immutable release folder the command runs in. */
  cwd: string;
  /** Complete environment except the port variable (added per start). */
  env: Record<string, string>;
  logFile: string;
  onChange: () => void;
  /** Told once per instance when the OS shows it bound every interface instead of $HOST. */
  onWarning?: (warning: string) => void;
  spawn?: SpawnApp;
  /**
   * A process of this instance that is already running (started for a daemon that since died, and
   * kept alive by the keeper): supervised from its first check on, instead of starting another.
   */
  adopt?: AdoptedProcess;
  /**
   * Time for every wait and duration here: probe polling, startup deadline, backoff, the crash
   * counter's "stable after", the stop's grace. Default the system clock; tests pass a virtual one.
   */
  clock?: Clock;
}

export interface AdoptedProcess {
  process: AppProcess;
  port: number;
}

interface RunOutcome {
  /** No restart: the app can never work as configured (it never listens or never becomes ready). */
  fatal: boolean;
  reason: string;
  ranMs: number;
  /** It had passed readiness before it ended. */
  served?: boolean;
}

const POLL_MS = 50;
/** How often, and for how long, an app seen listening only on other ports is watched before failing. */
const OTHER_PORT_CHECK_MS = 250;
const OTHER_PORT_GRACE_MS = 1000;

export class Instance {
  readonly index: number;
  state: InstanceState = 'starting';
  #opts: InstanceOptions;
  #child?: AppProcess;
  #exited?: Promise<Exit>;
  #port?: number;
  #restarts = 0;
  #crashes = 0;
  #lastExit?: string;
  /** Why the process last ended after it had been ready (exit or liveness kill); see `servingExit`. */
  #servingExit?: string;
  #warning?: string;
  #addressChecked = false;
  #adopt: AdoptedProcess | undefined;
  #stop = new AbortController();
  #done?: Promise<void>;
  #clock: Clock;
  /** This instance's secret values, redacted from every reason's log lines. */
  readonly #secrets: KnownSecret[];

  constructor(opts: InstanceOptions) {
    this.index = opts.index;
    this.#opts = opts;
    this.#adopt = opts.adopt;
    this.#clock = opts.clock ?? systemClock;
    this.#secrets = instanceSecrets(opts.runtime, opts.env);
  }

  get port(): number | undefined {
    return this.#port;
  }

  /** Set once the process ended while serving (it had passed readiness): a failure signal for a candidate. */
  get servingExit(): string | undefined {
    return this.#servingExit;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  status(): InstanceStatus {
    const s: InstanceStatus = { index: this.index, state: this.state, restarts: this.#restarts };
    if (this.#child?.pid !== undefined && this.#child.exitCode === null) s.pid = this.#child.pid;
    if (this.#port !== undefined) s.port = this.#port;
    if (this.#lastExit !== undefined) s.lastExit = this.#lastExit;
    if (this.#warning !== undefined) s.warning = this.#warning;
    return s;
  }

  start(): void {
    this.#done ??= this.#supervise();
  }

  /** SIGTERM, wait up to `graceMs` for the exit, then SIGKILL. Resolves once the process is gone. */
  async stop(graceMs = this.#opts.runtime.stopGraceMs): Promise<void> {
    if (this.state === 'stopped') return;
    this.#stop.abort();
    this.#setState('stopping');
    const child = this.#child;
    if (child && this.#exited && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const over = new AbortController(); // the grace timer must not outlive a prompt exit
      const timer = this.#clock.sleep(graceMs, over.signal).then(
        () => 'timeout' as const,
        () => 'exited' as const,
      );
      const first = await Promise.race([this.#exited, timer]);
      over.abort();
      if (first === 'timeout') {
        child.kill('SIGKILL');
        await this.#exited;
      }
    }
    await this.#done;
    this.#setState('stopped');
  }

  async #supervise(): Promise<void> {
    const rt = this.#opts.runtime;
    while (!this.#stop.signal.aborted) {
      const outcome = await this.#runOnce();
      if (this.#stop.signal.aborted) return;
      this.#lastExit = outcome.reason;
      if (outcome.served) this.#servingExit = outcome.reason;
      if (outcome.fatal) return this.#fail(outcome.reason);
      this.#crashes = outcome.ranMs >= rt.stableAfterMs ? 1 : this.#crashes + 1;
      if (this.#crashes > rt.maxRestarts) {
        return this.#fail(`crash loop: ${rt.maxRestarts} restarts did not help; last: ${outcome.reason}`);
      }
      const delay = Math.min(rt.backoffInitialMs * 2 ** (this.#crashes - 1), rt.backoffMaxMs);
      this.#setState('backoff');
      if (!(await this.#sleep(delay))) return;
      this.#restarts++;
    }
  }

  async #runOnce(): Promise<RunOutcome> {
    const { runtime: rt, logFile } = this.#opts;
    this.#setState('starting');
    const adopted = this.#adopt;
    this.#adopt = undefined;
    const port = adopted?.port ?? (await freePort());
    this.#port = port;
    const started = this.#clock.now();
    if (adopted) this.#watch(adopted.process);
    else this.#spawn(port);
    const exited = this.#exited!;

    const startup = await this.#awaitStartup(port, exited, started + rt.startupTimeoutMs);
    if (startup !== 'ready') {
      if (startup.exit)
        return {
          fatal: false,
          reason: await this.#exitReason(startup.exit, started, 'during startup'),
          ranMs: this.#clock.now() - started,
        };
      this.#child?.kill('SIGKILL');
      await exited;
      return {
        fatal: true,
        reason: `${startup.reason}${await lastLines({ logFile, secrets: this.#secrets })}`,
        ranMs: this.#clock.now() - started,
      };
    }
    const squatter = await this.#foreignListener(port);
    if (squatter) {
      this.#child?.kill('SIGKILL');
      await exited;
      return { fatal: false, reason: squatter, ranMs: this.#clock.now() - started };
    }
    this.#setState('ready');
    await this.#checkAddress(port);
    const end = await this.#monitor(port, exited);
    if ('liveness' in end) {
      this.#child?.kill('SIGKILL');
      await exited;
      return { fatal: false, reason: end.liveness, ranMs: this.#clock.now() - started, served: true };
    }
    return {
      fatal: false,
      reason: await this.#exitReason(end, started, 'after running'),
      ranMs: this.#clock.now() - started,
      served: true,
    };
  }

  #spawn(port: number): void {
    const { runtime: rt, logFile } = this.#opts;
    mkdirSync(dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a', 0o600);
    try {
      writeSync(
        fd,
        `[slipway] ${new Date(this.#clock.now()).toISOString()} starting release ${rt.release} instance ${this.index} on port ${port}\n`,
      );
      // HOST first: a value the user set in the environment's env wins (and is checked like any).
      const env = { [HOST_ENV]: INSTANCE_HOST, ...this.#opts.env, [rt.portEnv]: String(port) };
      const spawn: SpawnApp = this.#opts.spawn ?? spawnApp;
      const child = spawn({
        command: rt.start,
        cwd: this.#opts.cwd,
        env,
        logFd: fd,
        logFile,
        secretNames: rt.secrets.map((r) => r.name),
        instance: { release: rt.release, index: this.index, port },
      });
      this.#watch(child);
    } finally {
      closeSync(fd); // the child holds its own copy
    }
  }

  #watch(child: AppProcess): void {
    this.#child = child;
    this.#exited = new Promise<Exit>((resolve) => {
      // With redaction the last lines reach the file after 'exit' (through a log pump): the reason
      // quotes them. Only a redacted instance has a pump to wait for.
      const pumped = this.#secrets.length > 0 ? this.#opts.logFile : undefined;
      const done = (exit: Exit) => void logWritten(child, pumped).then(() => resolve(exit));
      child.once('exit', (code, signal) => done({ code, signal }));
      child.once('error', (error) => done({ code: null, signal: null, error }));
    });
  }

  /** The port answered, but maybe not from this instance (see `foreignListener`). */
  async #foreignListener(port: number): Promise<string | undefined> {
    const pid = this.#child?.pid;
    return pid === undefined ? undefined : foreignListener(pid, port);
  }

  /** Once per instance: ask the OS which address the process bound; warn when it is every interface. */
  async #checkAddress(port: number): Promise<void> {
    const pid = this.#child?.pid;
    if (this.#addressChecked || pid === undefined) return;
    this.#addressChecked = true;
    const addresses = await boundAddresses(pid, port);
    const warning = addresses && wildcardWarning(addresses, port, HOST_ENV, this.#opts.runtime.portEnv);
    if (!warning) return;
    this.#warning = `release ${this.#opts.runtime.release} instance ${this.index} ${warning}`;
    this.#opts.onWarning?.(this.#warning);
  }

  /** Waits for the port to accept connections, then for readiness to pass once. */
  async #awaitStartup(
    port: number,
    exited: Promise<Exit>,
    deadline: number,
  ): Promise<'ready' | { exit: Exit } | { exit?: undefined; reason: string }> {
    const rt = this.#opts.runtime;
    let listening = false;
    let started = !rt.startup;
    let lastProbe = '';
    let otherSince: number | undefined;
    let lastCheck = this.#clock.now(); // an app that binds its port at once is never scanned
    for (;;) {
      const exit = await Promise.race([exited, this.#clock.sleep(POLL_MS).then(() => undefined)]);
      if (exit) return { exit };
      if (this.#stop.signal.aborted) return { reason: 'stopped' };
      if (!listening) listening = await isListening(port);
      // Listening, but elsewhere (a hard-coded port): say so now, not at the startup deadline. A
      // grace second lets an app open another port (metrics, debugger) before its own.
      const pid = this.#child?.pid;
      if (!listening && pid !== undefined && this.#clock.now() - lastCheck >= OTHER_PORT_CHECK_MS) {
        lastCheck = this.#clock.now();
        const ports = await listeningPorts(pid);
        const others = ports?.filter((p) => p !== port) ?? [];
        if (others.length === 0 || ports?.includes(port)) otherSince = undefined;
        else {
          otherSince ??= this.#clock.now();
          if (this.#clock.now() - otherSince >= OTHER_PORT_GRACE_MS)
            return { reason: ignoresPort(rt.portEnv, others, port) };
        }
      }
      if (listening && !started && rt.startup) {
        const res = await probe(port, rt.startup);
        started = res.ok;
        lastProbe = res.detail;
      }
      if (listening && started) {
        if (!rt.readiness) return 'ready';
        const res = await probe(port, rt.readiness);
        if (res.ok) return 'ready';
        lastProbe = res.detail;
      }
      if (this.#clock.now() >= deadline) {
        const secs = rt.startupTimeoutMs / 1000;
        const check = started ? rt.readiness?.path : rt.startup?.path;
        return {
          reason: listening
            ? `never became ready: listening on port ${port} but GET ${check} did not pass within ${secs} s (last answer: ${lastProbe})`
            : `never listened on port ${port} (given in ${rt.portEnv}) within ${secs} s: the app must listen on the port in $${rt.portEnv}`,
        };
      }
    }
  }

  /** Probes until the process exits (returns its exit) or liveness fails (returns why). */
  async #monitor(port: number, exited: Promise<Exit>): Promise<Exit | { liveness: string }> {
    const rt = this.#opts.runtime;
    const interval = Math.min(rt.readiness?.intervalMs ?? 1000, rt.liveness?.intervalMs ?? 1000);
    const fails = { readiness: 0, liveness: 0 };
    for (;;) {
      const exit = await Promise.race([exited, this.#clock.sleep(interval).then(() => undefined)]);
      if (exit) return exit;
      if (this.#stop.signal.aborted) return exited;
      if (rt.liveness) {
        const res = await probeCounting(port, rt.liveness, fails, 'liveness');
        if (res)
          return {
            liveness: `liveness GET ${rt.liveness.path} failed ${fails.liveness} times in a row (last: ${res}); killed`,
          };
      }
      if (rt.readiness && !this.#stop.signal.aborted) {
        const res = await probeCounting(port, rt.readiness, fails, 'readiness');
        const next = res ? 'unready' : fails.readiness === 0 ? 'ready' : this.state;
        if (next !== this.state && this.state !== 'stopping') this.#setState(next);
      }
    }
  }

  #exitReason(exit: Exit, started: number, when: string): Promise<string> {
    const { logFile, runtime } = this.#opts;
    const log = { logFile, portEnv: runtime.portEnv, port: this.#port ?? 0, secrets: this.#secrets };
    return exitReason(exit, this.#clock.now() - started, when, log);
  }

  #fail(reason: string): void {
    this.#lastExit = reason;
    this.#setState('failed');
  }

  async #sleep(ms: number): Promise<boolean> {
    try {
      await this.#clock.sleep(ms, this.#stop.signal);
      return true;
    } catch {
      return false;
    }
  }

  #setState(s: InstanceState): void {
    if (this.state === s) return;
    this.state = s;
    this.#opts.onChange();
  }
}

/** Probes once and counts consecutive failures; returns the failure detail once the threshold is hit. */
async function probeCounting(
  port: number,
  settings: ProbeSettings,
  fails: Record<'readiness' | 'liveness', number>,
  kind: 'readiness' | 'liveness',
): Promise<string | undefined> {
  const res = await probe(port, settings);
  fails[kind] = res.ok ? 0 : fails[kind] + 1;
  return fails[kind] >= settings.failureThreshold ? res.detail : undefined;
}
