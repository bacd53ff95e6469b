/** The supervisor with real processes: startup failures, crash loops, restarts and graceful stop. */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RevisionRuntime } from '../../../src/targets/local/runtime.ts';
import { freePort } from '../../../src/targets/local/supervisor/ports.ts';
import { Revision } from '../../../src/targets/local/supervisor/revision.ts';
import { baseEnv } from '../../../src/targets/local/supervisor/spawn.ts';
import { FIXTURE_APP, fixtureRuntime, isAlive, tempDir, until } from './helpers.ts';

async function run(
  t: import('node:test').TestContext,
  over: Partial<RevisionRuntime>,
  appEnv: Record<string, string> = {},
) {
  let rev: Revision | undefined;
  const dir = await tempDir(t, 'slipway-local-', async () => rev?.stop(200));
  const runtime = fixtureRuntime(over);
  rev = new Revision({
    runtime,
    cwd: FIXTURE_APP,
    env: { ...baseEnv(), ...appEnv },
    logFile: (i) => join(dir, `${i}.log`),
    onChange: () => {},
  });
  await rev.scale(runtime.replicas);
  return rev;
}

const failed = (rev: Revision) => () => rev.observe().failed;

test('instances become ready on their own ports and answer', async (t) => {
  const rev = await run(t, { replicas: 2 });
  const ups = await until('2 ready', () => (rev.upstreams().length === 2 ? rev.upstreams() : undefined));
  assert.notEqual(ups[0]!.port, ups[1]!.port);
  const res = await fetch(`http://127.0.0.1:${ups[0]!.port}/`);
  assert.equal(res.status, 200);
  assert.deepEqual(rev.observe(), { release: 1, desired: 2, ready: 2 });
});

test('crash on start: restarted with backoff, then failed with the exit code and the last log lines', async (t) => {
  const rev = await run(t, { maxRestarts: 2 }, { CRASH_ON_START: '1' });
  const reason = await until('failure', failed(rev));
  assert.match(reason, /crash loop: 2 restarts did not help/);
  assert.match(reason, /exited with code 3 during startup/);
  assert.match(reason, /fatal: CRASH_ON_START is set, exiting/);
  assert.equal(rev.status().instances[0]!.restarts, 2);
  assert.equal(rev.observe().ready, 0);
});

test('an app that never listens fails with a message naming the port and the variable', async (t) => {
  const rev = await run(t, { startupTimeoutMs: 600 }, { NO_LISTEN: '1' });
  const reason = await until('failure', failed(rev));
  assert.match(reason, /never listened on port \d+ \(given in PORT\) within 0.6 s/);
  assert.match(reason, /not listening on purpose/);
  assert.equal(rev.pids().filter(isAlive).length, 0, 'the silent process was killed');
});

test('a hard-coded port: the second instance dies of EADDRINUSE, reported as ignoring PORT with the whole error line', async (t) => {
  const fixed = await freePort();
  const rev = await run(
    t,
    { replicas: 2, maxRestarts: 1, startupTimeoutMs: 20_000 },
    { FIXED_PORT: String(fixed) },
  );
  const reason = await until('failure', failed(rev), 20_000);
  assert.match(
    reason,
    new RegExp(
      `the app ignores PORT \\(it listened on ${fixed}, it was given PORT=\\d+\\): listen on process.env.PORT`,
    ),
  );
  // Which instance tells first is a race: the first one seen listening on the fixed port only, or
  // the second dying of EADDRINUSE (its whole error line then follows; port-hint.test.ts).
  if (reason.includes('EADDRINUSE')) {
    assert.match(reason, new RegExp(`Error: listen EADDRINUSE: address already in use :::${fixed}`));
  }
});

test('a hard-coded port with 1 replica: reported as ignoring PORT once seen listening elsewhere, not at the deadline', async (t) => {
  const fixed = await freePort();
  const started = Date.now();
  const rev = await run(t, { replicas: 1, startupTimeoutMs: 30_000 }, { FIXED_PORT: String(fixed) });
  const reason = await until('failure', failed(rev), 25_000);
  assert.match(
    reason,
    new RegExp(
      `the app ignores PORT \\(it listened on ${fixed}, it was given PORT=\\d+\\): listen on process.env.PORT`,
    ),
  );
  assert.doesNotMatch(reason, /never listened/);
  assert.ok(Date.now() - started < 15_000, `told after ${Date.now() - started} ms, the deadline is 30 s`);
  assert.equal(rev.pids().filter(isAlive).length, 0, 'the instance was stopped');
});

test('a port answered by a process outside the instance is not ready: the attempt fails, never served as the release', async (t) => {
  // The server runs detached from the instance (its parent subshell exits), as a squatter would.
  const mark = `squat-${process.pid}-${Date.now()}`;
  t.after(async () => {
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number)) {
      const environ = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
      if (environ.includes(`SQUAT_MARK=${mark}`)) process.kill(pid, 'SIGKILL');
    }
  });
  const rev = await run(
    t,
    { maxRestarts: 1, start: `sh -c '(node server.mjs &); exec sleep 600'` },
    { SQUAT_MARK: mark },
  );
  const reason = await until('failure', failed(rev), 20_000);
  assert.match(
    reason,
    /port \d+ answered, but not from this instance's process \(pid \d+\) or its children: another process listens there/,
  );
  assert.equal(rev.upstreams().length, 0, 'never routed');
});

test('never ready: fails with the readiness path and its last answer', async (t) => {
  // 2.5 s: a real node process must start and listen first, which takes over 0.6 s on a loaded
  // machine. The deadline's timing itself is tested on a virtual clock (instance-clock.test.ts).
  const rev = await run(t, { startupTimeoutMs: 2500 }, { NEVER_READY: '1' });
  const reason = await until('failure', failed(rev));
  assert.match(
    reason,
    /never became ready: listening on port \d+ but GET \/readyz did not pass within 2.5 s \(last answer: 503\)/,
  );
});

test('crash after N ms: restarted while it keeps crashing young, then a crash loop', async (t) => {
  const rev = await run(t, { maxRestarts: 2 }, { CRASH_AFTER_MS: '400' });
  await until('ready once', () => (rev.observe().ready === 1 ? true : undefined));
  const reason = await until('failure', failed(rev), 15_000);
  assert.match(reason, /crash loop/);
  assert.match(reason, /exited with code 5 after running/);
  assert.match(reason, /crashing as asked by CRASH_AFTER_MS/);
});

test('kill -9 of one instance: it is restarted on a new process and becomes ready again', async (t) => {
  const rev = await run(t, { replicas: 2 });
  await until('2 ready', () => (rev.observe().ready === 2 ? true : undefined));
  const victim = rev.status().instances[0]!;
  process.kill(victim.pid!, 'SIGKILL');
  await until('restart', () => {
    const inst = rev.status().instances[0]!;
    return inst.restarts === 1 && inst.state === 'ready' ? inst : undefined;
  });
  const now = rev.status().instances[0]!;
  assert.notEqual(now.pid, victim.pid);
  assert.match(now.lastExit ?? '', /killed by SIGKILL after running/);
  assert.equal(rev.observe().failed, undefined);
});

test('liveness failing in a row: the instance is killed and restarted, with the reason', async (t) => {
  const rev = await run(t, {}, { UNHEALTHY_AFTER_MS: '1500' });
  await until('ready', () => (rev.observe().ready === 1 ? true : undefined));
  const first = rev.pids()[0];
  const inst = await until('restarted by liveness', () => {
    const i = rev.status().instances[0]!;
    return i.restarts >= 1 ? i : undefined;
  });
  assert.match(inst.lastExit ?? '', /liveness GET \/healthz failed 2 times in a row \(last: 500\); killed/);
  assert.equal(isAlive(first!), false);
});

test('graceful stop: SIGTERM first, SIGKILL once the grace period is over', async (t) => {
  const polite = await run(t, {});
  const stubborn = await run(t, { release: 2 }, { IGNORE_SIGTERM: '1' });
  await until('both ready', () =>
    polite.observe().ready + stubborn.observe().ready === 2 ? true : undefined,
  );
  const [p1] = polite.pids();
  const [p2] = stubborn.pids();
  let t0 = performance.now();
  await polite.stop(5000);
  assert.ok(performance.now() - t0 < 2000, 'a process that honours SIGTERM stops before the grace period');
  t0 = performance.now();
  await stubborn.stop(500);
  assert.ok(performance.now() - t0 >= 450, 'one that ignores SIGTERM is given the grace period');
  assert.equal(isAlive(p1!), false);
  assert.equal(isAlive(p2!), false);
});

test('scaling down stops the highest instances', async (t) => {
  const rev = await run(t, { replicas: 3 });
  await until('3 ready', () => (rev.observe().ready === 3 ? true : undefined));
  const pids = rev.pids();
  await rev.scale(1);
  assert.deepEqual(rev.observe(), { release: 1, desired: 1, ready: 1 });
  assert.equal(isAlive(pids[0]!), true);
  assert.equal(isAlive(pids[1]!) || isAlive(pids[2]!), false);
});
