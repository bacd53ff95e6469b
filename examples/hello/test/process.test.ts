import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type LogLine, spawnServer, startServer } from './support/server.ts';

const FATAL = 60;

function logTime(line: LogLine | undefined): number {
  assert.equal(typeof line?.time, 'number', `log line with a time: ${JSON.stringify(line)}`);
  return line?.time as number;
}

describe('the server process', () => {
  test('starts, serves, logs JSON with service and version, and is ready at once by default', async (t) => {
    const server = await startServer({ SERVICE_NAME: 'proc', APP_VERSION: '3.1.0' });
    t.after(() => server.kill());
    const res = await fetch(`${server.url}/`);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.service, 'proc');
    assert.equal(body.version, '3.1.0');
    assert.match(String(body.instance), new RegExp(`-${server.child.pid}$`));
    // Readiness is switched on by a 0 ms timer after listening, which logs 'ready'.
    await server.waitForLog((l) => l.msg === 'ready');
    assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
    const access = await server.waitForLog((l) => l.msg === 'request completed' && l.url === '/');
    assert.equal(access.service, 'proc');
    assert.equal(access.version, '3.1.0');
    assert.equal(access.statusCode, 200);
    assert.equal(server.stderr(), '');
  });

  test('bad configuration: exit 2 with one message listing every bad variable, no stack trace', async () => {
    const server = spawnServer({ PORT: 'abc', FAIL_RATE: '2', LOG_LEVEL: 'loud', CRASH_AFTER_S: '-1' });
    const { code } = await server.exited;
    assert.equal(code, 2);
    const stderr = server.stderr();
    assert.match(stderr, /^hello: invalid configuration: 4 environment variables are wrong\n/);
    assert.match(stderr, /PORT="abc": expected a whole number from 0 to 65535/);
    assert.match(stderr, /LOG_LEVEL="loud": expected one of/);
    assert.match(stderr, /FAIL_RATE="2": expected a fraction from 0 to 1/);
    assert.match(stderr, /CRASH_AFTER_S="-1": expected a number of seconds greater than 0/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    assert.equal(server.stdout(), '');
  });

  test('CRASH_ON_START exits 1 at once with a fatal log line, before listening', async () => {
    const server = spawnServer({ CRASH_ON_START: 'true' });
    const { code } = await server.exited;
    assert.equal(code, 1);
    assert.equal(server.logs.length, 1, server.stdout());
    assert.equal(server.logs[0]?.level, FATAL);
    assert.match(String(server.logs[0]?.msg), /CRASH_ON_START/);
  });

  test('CRASH_AFTER_S exits 1 that many seconds after listening, with a fatal log line', async (t) => {
    const server = await startServer({ CRASH_AFTER_S: '0.8' });
    t.after(() => server.kill());
    const { code } = await server.exited;
    assert.equal(code, 1);
    const last = server.logs.at(-1);
    assert.equal(last?.level, FATAL);
    assert.match(String(last?.msg), /CRASH_AFTER_S/);
    // Timed with the server's own log clock, so a slow pipe to the test cannot shorten the interval.
    const ms = logTime(last) - logTime(server.logs.find((l) => l.msg === 'listening'));
    assert.ok(ms >= 800, `exited ${ms} ms after listening`);
  });

  test('READY_DELAY_MS keeps readiness false for that long after listening, liveness true', async (t) => {
    const server = await startServer({ READY_DELAY_MS: '2500' });
    t.after(() => server.kill());
    const first = await fetch(`${server.url}/readyz`);
    assert.equal(first.status, 503);
    assert.deepEqual(await first.json(), { status: 'starting' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    const ready = await server.waitForLog((l) => l.msg === 'ready');
    const ms = logTime(ready) - logTime(server.logs.find((l) => l.msg === 'listening'));
    // Node's timers run on a monotonic clock rounded to whole ms while log lines carry wall-clock ms,
    // so the logged interval can come out a millisecond or two short of the delay (CI saw 2499).
    assert.ok(ms >= 2490, `ready ${ms} ms after listening`);
    const after = await fetch(`${server.url}/readyz`);
    assert.equal(after.status, 200);
    assert.deepEqual(await after.json(), { status: 'ready' });
  });

  test('NEVER_READY keeps readiness false while everything else works', async (t) => {
    const server = await startServer({ NEVER_READY: '1', READY_DELAY_MS: '100' });
    t.after(() => server.kill());
    await sleep(600);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { status: 'starting' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${server.url}/`)).status, 200);
    assert.ok(!server.logs.some((l) => l.msg === 'ready'), 'never logged ready');
  });

  test('a port already in use exits 1 with a fatal log line naming the port', async (t) => {
    const first = await startServer();
    t.after(() => first.kill());
    const port = new URL(first.url).port;
    const second = spawnServer({ PORT: port });
    const { code } = await second.exited;
    assert.equal(code, 1);
    const fatal = second.logs.find((l) => l.level === FATAL);
    assert.equal(fatal?.msg, 'cannot listen');
    assert.equal(String(fatal?.port), port);
  });
});
