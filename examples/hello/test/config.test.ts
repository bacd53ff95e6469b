import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../src/config.ts';

function problemsOf(
  env: Record<string, string>,
): { name: string; value: string | undefined; expected: string }[] {
  try {
    parseConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return [...err.problems];
  }
  assert.fail(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('parseConfig', () => {
  test('an empty environment gives the documented defaults, every fault off', () => {
    assert.deepEqual(parseConfig({}), {
      port: 3000,
      host: '0.0.0.0',
      logLevel: 'info',
      serviceName: 'hello',
      appVersion: 'dev',
      readyDelayMs: 0,
      shutdownDelayMs: 0,
      shutdownTimeoutMs: 10_000,
      faults: {
        failRate: 0,
        hangRate: 0,
        latencyMs: 0,
        crashOnStart: false,
        neverReady: false,
        crashAfterS: undefined,
      },
    });
  });

  test('reads every variable', () => {
    const config = parseConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'DEBUG',
      SERVICE_NAME: 'checkout-api',
      APP_VERSION: '1.4.2+sha.abc123',
      READY_DELAY_MS: '250',
      SHUTDOWN_DELAY_MS: '5000',
      SHUTDOWN_TIMEOUT_MS: '30000',
      FAIL_RATE: '0.05',
      HANG_RATE: '.01',
      LATENCY_MS: '120',
      CRASH_ON_START: 'yes',
      NEVER_READY: 'TRUE',
      CRASH_AFTER_S: '2.5',
    });
    assert.deepEqual(config, {
      port: 8080,
      host: '127.0.0.1',
      logLevel: 'debug',
      serviceName: 'checkout-api',
      appVersion: '1.4.2+sha.abc123',
      readyDelayMs: 250,
      shutdownDelayMs: 5000,
      shutdownTimeoutMs: 30_000,
      faults: {
        failRate: 0.05,
        hangRate: 0.01,
        latencyMs: 120,
        crashOnStart: true,
        neverReady: true,
        crashAfterS: 2.5,
      },
    });
  });

  test('empty and blank values count as unset; surrounding spaces are ignored', () => {
    const config = parseConfig({ PORT: '', FAIL_RATE: '  ', LOG_LEVEL: ' warn ', CRASH_AFTER_S: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.faults.failRate, 0);
    assert.equal(config.logLevel, 'warn');
    assert.equal(config.faults.crashAfterS, undefined);
  });

  test('boolean words', () => {
    for (const word of ['1', 'true', 'Yes', 'ON'])
      assert.equal(parseConfig({ NEVER_READY: word }).faults.neverReady, true);
    for (const word of ['0', 'false', 'No', 'off'])
      assert.equal(parseConfig({ NEVER_READY: word }).faults.neverReady, false);
  });

  test('accepts the bounds', () => {
    assert.equal(parseConfig({ PORT: '0' }).port, 0);
    assert.equal(parseConfig({ PORT: '65535' }).port, 65535);
    assert.equal(parseConfig({ FAIL_RATE: '1' }).faults.failRate, 1);
    assert.equal(parseConfig({ FAIL_RATE: '1.0', HANG_RATE: '0' }).faults.failRate, 1);
    assert.equal(parseConfig({ FAIL_RATE: '0.25', HANG_RATE: '0.75' }).faults.hangRate, 0.75);
  });

  const rejected: [string, Record<string, string>, string, RegExp][] = [
    ['port not a number', { PORT: 'http' }, 'PORT', /whole number from 0 to 65535/],
    ['port too large', { PORT: '65536' }, 'PORT', /0 to 65535/],
    ['port negative', { PORT: '-1' }, 'PORT', /0 to 65535/],
    ['port with trailing junk', { PORT: '80abc' }, 'PORT', /whole number/],
    ['port in exponent form', { PORT: '3e3' }, 'PORT', /whole number/],
    ['port fractional', { PORT: '80.5' }, 'PORT', /whole number/],
    ['host with a space', { HOST: 'local host' }, 'HOST', /without spaces/],
    [
      'unknown log level',
      { LOG_LEVEL: 'verbose' },
      'LOG_LEVEL',
      /one of fatal, error, warn, info, debug, trace, silent/,
    ],
    ['service name with a slash', { SERVICE_NAME: 'a/b' }, 'SERVICE_NAME', /letters, digits/],
    ['service name too long', { SERVICE_NAME: 'x'.repeat(64) }, 'SERVICE_NAME', /1-63/],
    ['version with a space', { APP_VERSION: '1.0 beta' }, 'APP_VERSION', /no spaces/],
    ['fail rate above 1', { FAIL_RATE: '1.5' }, 'FAIL_RATE', /fraction from 0 to 1/],
    ['fail rate as a percentage', { FAIL_RATE: '5%' }, 'FAIL_RATE', /0.05 for 5%/],
    ['fail rate negative', { FAIL_RATE: '-0.1' }, 'FAIL_RATE', /fraction/],
    ['hang rate not a number', { HANG_RATE: 'some' }, 'HANG_RATE', /fraction/],
    [
      'rates summing past 1',
      { FAIL_RATE: '0.6', HANG_RATE: '0.5' },
      'HANG_RATE',
      /FAIL_RATE \+ HANG_RATE <= 1 \(FAIL_RATE is 0.6\)/,
    ],
    ['latency with a unit', { LATENCY_MS: '200ms' }, 'LATENCY_MS', /whole number/],
    ['latency beyond a day', { LATENCY_MS: '86400001' }, 'LATENCY_MS', /0 to 86400000/],
    ['crash flag not boolean', { CRASH_ON_START: 'maybe' }, 'CRASH_ON_START', /true or false/],
    ['never-ready flag not boolean', { NEVER_READY: '2' }, 'NEVER_READY', /true or false/],
    ['crash after zero seconds', { CRASH_AFTER_S: '0' }, 'CRASH_AFTER_S', /greater than 0/],
    ['crash after with a unit', { CRASH_AFTER_S: '10s' }, 'CRASH_AFTER_S', /seconds/],
    ['shutdown timeout negative', { SHUTDOWN_TIMEOUT_MS: '-5' }, 'SHUTDOWN_TIMEOUT_MS', /whole number/],
    ['shutdown delay not a number', { SHUTDOWN_DELAY_MS: 'soon' }, 'SHUTDOWN_DELAY_MS', /whole number/],
    ['ready delay fractional', { READY_DELAY_MS: '1.5' }, 'READY_DELAY_MS', /whole number/],
  ];
  for (const [name, env, variable, expected] of rejected) {
    test(`rejects ${name}`, () => {
      const problems = problemsOf(env);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0]?.name, variable);
      assert.match(problems[0]?.expected ?? '', expected);
    });
  }

  test('one error lists every bad variable with its value and what is expected', () => {
    let caught: unknown;
    try {
      parseConfig({ PORT: 'abc', FAIL_RATE: '2', LOG_LEVEL: 'loud', HOST: '127.0.0.1' });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError);
    assert.deepEqual(
      caught.problems.map((p) => [p.name, p.value]),
      [
        ['PORT', 'abc'],
        ['LOG_LEVEL', 'loud'],
        ['FAIL_RATE', '2'],
      ],
    );
    assert.equal(
      caught.message,
      [
        'invalid configuration: 3 environment variables are wrong',
        '  PORT="abc": expected a whole number from 0 to 65535 (default 3000)',
        '  LOG_LEVEL="loud": expected one of fatal, error, warn, info, debug, trace, silent (default info)',
        '  FAIL_RATE="2": expected a fraction from 0 to 1, e.g. 0.05 for 5% (default 0: off)',
        'Fix or unset them (unset variables take their defaults).',
      ].join('\n'),
    );
  });
});
