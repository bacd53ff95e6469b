/**
 * The supervisor's timing on a virtual clock: backoff doubling to its cap, the crash loop, the
 * crash counter's reset after a stable run, and the stop's grace period, at production settings
 * (seconds to minutes of backoff and grace) in milliseconds of real time. The app processes are
 * stand-ins (`SpawnApp` is the supervisor's seam): each listens on the port it is given, for real,
 * so the supervisor's own port check and startup path run unchanged; whether it crashes, when,
 * and whether it honours SIGTERM is scripted. test/targets/local/supervisor.test.ts runs the same
 * paths with real processes.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Clock } from '../../../src/engine/clock.ts';
import type { RevisionRuntime } from '../../../src/targets/local/runtime.ts';
import { Instance } from '../../../src/targets/local/supervisor/instance.ts';
import type { AppProcess, SpawnApp } from '../../../src/targets/local/supervisor/spawn.ts';
import { VirtualClock } from '../../support/virtual-clock.ts';
import { fixtureRuntime, tempDir, until } from './helpers.ts';

/** The documented defaults' order of magnitude: 1 s doubling to 30 s, 5 restarts, stable after 60 s. */
const runtime = (over: Partial<RevisionRuntime> = {}): RevisionRuntime => {
  const { startup: _s, readiness: _r, liveness: _l, ...rest } = fixtureRuntime();
  return {
    ...rest,
    startupTimeoutMs: 30_000,
    stopGraceMs: 30_000,
    maxRestarts: 5,
    backoffInitialMs: 1000,
    backoffMaxMs: 8000,
    stableAfterMs: 60_000,
    ...over,
  };
};

interface Script {
  /** Virtual ms the process runs before it exits with code 1 (default: it exits at once, code 3). */
  runsMs?: number;
  ignoresSigterm?: boolean;
  /** Answer every HTTP request with this status (default: a bare TCP listener). */
  answers?: number;
}

/** A stand-in app process: listens on its port, exits as scripted, records the signals it got. */
class StandIn extends EventEmitter implements AppProcess {
  // Above Linux's largest pid (2^22): the kernel is never asked about a real process in its place.
  static next = 5_000_000;
  readonly pid = StandIn.next++;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly signals: NodeJS.Signals[] = [];
  #server?: Server;
  #ignoresSigterm: boolean;

  constructor(port: number, clock: Clock, script: Script) {
    super();
    this.#ignoresSigterm = script.ignoresSigterm === true;
    if (script.runsMs === undefined) {
      setImmediate(() => this.#exit(3, null));
      return;
    }
    const status = script.answers;
    this.#server = (
      status === undefined
        ? createServer()
        : createHttpServer((_req, res) => {
            res.statusCode = status;
            res.end('not yet');
          })
    ).listen(port, '127.0.0.1');
    void clock.sleep(script.runsMs).then(() => this.#exit(1, null));
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (signal === 'SIGTERM' && this.#ignoresSigterm) return true;
    setImmediate(() => this.#exit(null, signal));
    return true;
  }

  #exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.#server?.close();
    this.exitCode = code;
    this.signalCode = signal;
    this.emit('exit', code, signal);
  }
}

/** A virtual clock that remembers every wait of a second or more (backoff, grace), in order. */
class RecordingClock extends VirtualClock {
  readonly waits: number[] = [];
  override sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms >= 1000) this.waits.push(ms);
    return super.sleep(ms, signal);
  }
}

async function supervised(t: import('node:test').TestContext, rt: RevisionRuntime, script: Script) {
  const dir = await tempDir(t, 'slipway-instance-');
  const clock = new RecordingClock();
  const started: StandIn[] = [];
  const spawn: SpawnApp = (o) => {
    const p = new StandIn(o.instance.port, clock, script);
    started.push(p);
    return p;
  };
  const instance = new Instance({
    index: 0,
    runtime: rt,
    cwd: dir,
    env: {},
    logFile: join(dir, '0.log'),
    onChange: () => {},
    spawn,
    clock,
  });
  t.after(() => instance.stop(0));
  instance.start();
  return { instance, clock, started, t0: clock.now() };
}

test('a crash on start is restarted after 1, 2, 4, 8, 8 s, then failed as a crash loop', async (t) => {
  const real = performance.now();
  const { instance, clock, t0 } = await supervised(t, runtime(), {});
  await until('the crash loop', () => (instance.state === 'failed' ? true : undefined));
  assert.deepEqual(clock.waits, [1000, 2000, 4000, 8000, 8000]);
  assert.match(
    instance.status().lastExit ?? '',
    /crash loop: 5 restarts did not help; last: exited with code 3/,
  );
  assert.equal(instance.status().restarts, 5);
  assert.ok(clock.now() - t0 >= 23_000, 'the backoff took its virtual time');
  assert.ok(performance.now() - real < 5000, 'and little real time');
});

test('a crash after a stable run starts the count over: backoff stays at its first step, no crash loop', async (t) => {
  // 1.5 s, so the backoff waits stand apart from the 1 s probe interval of a running instance.
  const rt = runtime({ backoffInitialMs: 1500 });
  const { instance, clock, started } = await supervised(t, rt, { runsMs: 70_000 });
  await until('eight restarts', () => (started.length >= 9 ? true : undefined), 20_000);
  assert.notEqual(instance.state, 'failed');
  // Every run outlived stableAfterMs (60 s): each crash counts as the first, so nothing doubles.
  const backoff = clock.waits.filter((w) => w >= 1500 && w <= rt.backoffMaxMs);
  assert.ok(backoff.length >= 8, `backoff waits: ${backoff.join(', ')}`);
  assert.deepEqual(new Set(backoff), new Set([1500]));
});

test('stop: SIGKILL only after the grace period, for a process that ignores SIGTERM', async (t) => {
  const { instance, clock, started } = await supervised(t, runtime(), {
    runsMs: 3_600_000,
    ignoresSigterm: true,
  });
  await until('ready', () => (instance.state === 'ready' ? true : undefined));
  // The process running now: on a loaded machine the clock can jump past a stand-in's whole run while
  // real I/O is pending, so the supervisor may already have restarted the first one.
  const running = started.at(-1);
  const t0 = clock.now();
  await instance.stop(30_000);
  assert.deepEqual(running?.signals, ['SIGTERM', 'SIGKILL']);
  assert.ok(clock.now() - t0 >= 30_000, `killed after ${clock.now() - t0} virtual ms`);
  assert.equal(instance.state, 'stopped');
});

test('stop: a process that honours SIGTERM is not given the grace period', async (t) => {
  const { instance, started } = await supervised(t, runtime(), { runsMs: 3_600_000 });
  await until('ready', () => (instance.state === 'ready' ? true : undefined));
  const running = started.at(-1);
  await instance.stop(30_000);
  // No SIGKILL: the grace timer lost the race to the exit (and was cancelled with it).
  assert.deepEqual(running?.signals, ['SIGTERM']);
  assert.equal(instance.state, 'stopped');
});

test('never ready: after the 30 s startup deadline it fails with the readiness path and its last answer', async (t) => {
  const readiness = { path: '/readyz', intervalMs: 1000, timeoutMs: 1000, failureThreshold: 3 };
  const rt = runtime({ readiness, startupTimeoutMs: 30_000 });
  const { instance, clock, t0 } = await supervised(t, rt, { runsMs: 3_600_000, answers: 503 });
  await until('the failure', () => (instance.state === 'failed' ? true : undefined));
  assert.match(
    instance.status().lastExit ?? '',
    /never became ready: listening on port \d+ but GET \/readyz did not pass within 30 s \(last answer: 503\)/,
  );
  assert.ok(clock.now() - t0 >= 30_000, 'not before the deadline');
});
