/** Instances are told HOST=127.0.0.1, and the OS is asked which address they really bound. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  boundAddresses,
  decodeAddress,
  wildcardWarning,
} from '../../../src/targets/local/supervisor/bound-address.ts';
import { Revision } from '../../../src/targets/local/supervisor/revision.ts';
import { baseEnv } from '../../../src/targets/local/supervisor/spawn.ts';
import { FIXTURE_APP, fixtureRuntime, tempDir, until } from './helpers.ts';

const linux = process.platform === 'linux' ? false : 'reads /proc (Linux only)';

test('addresses of /proc/net/tcp{,6} decode as usually written', () => {
  const cases: [string, string][] = [
    ['0100007F', '127.0.0.1'],
    ['00000000', '0.0.0.0'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000001000000', '::1'],
    ['0000000000000000FFFF00000100007F', '::ffff:127.0.0.1'],
    ['000080FE00000000FF005452F9EE83FE', 'fe80::5254:ff:fe83:eef9'],
  ];
  for (const [hex, address] of cases) assert.equal(decodeAddress(hex), address, hex);
});

test('the warning names the bound address and the fix; loopback gives none', () => {
  assert.equal(wildcardWarning(['127.0.0.1'], 8080, 'HOST', 'PORT'), undefined);
  const w = wildcardWarning(['::'], 8080, 'HOST', 'PORT');
  assert.match(w ?? '', /listens on \[::\]:8080, every network interface/);
  assert.match(w ?? '', /listen\(process\.env\.PORT, process\.env\.HOST\)/);
});

async function revision(t: import('node:test').TestContext, appEnv: Record<string, string>, replicas = 1) {
  const warnings: string[] = [];
  let rev: Revision | undefined;
  const dir = await tempDir(t, 'slipway-bind-', async () => rev?.stop(200));
  rev = new Revision({
    runtime: fixtureRuntime({ replicas }),
    cwd: FIXTURE_APP,
    env: { ...baseEnv(), ...appEnv },
    logFile: (i) => join(dir, `${i}.log`),
    onChange: () => {},
    onWarning: (w) => warnings.push(w),
  });
  await rev.scale(replicas);
  await until('ready', () => (rev.upstreams().length === replicas ? true : undefined));
  return { rev, warnings };
}

test('an app honouring HOST binds 127.0.0.1 only: no warning', { skip: linux }, async (t) => {
  const { rev, warnings } = await revision(t, {});
  const inst = rev.status().instances[0]!;
  assert.deepEqual(await boundAddresses(inst.pid!, inst.port!), ['127.0.0.1']);
  // The check runs right after readiness; give it a moment before asserting that it said nothing.
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(warnings, []);
  assert.equal(rev.status().instances[0]!.warning, undefined);
});

test('an app that ignores HOST and binds every interface is warned about once, with the fix', {
  skip: linux,
}, async (t) => {
  const { rev, warnings } = await revision(t, { BIND_ALL: '1' }, 2);
  await until('warned', () => (rev.status().instances.every((i) => i.warning) ? true : undefined));
  assert.equal(warnings.length, 1, 'once per revision, not per instance');
  assert.match(
    warnings[0]!,
    /release 1 instance \d listens on (\[::\]|0\.0\.0\.0):\d+, every network interface/,
  );
  assert.match(warnings[0]!, /listen on the address in \$HOST \(127\.0\.0\.1\)/);
  // It still serves: a warning, not a failure.
  assert.equal(rev.observe().ready, 2);
});
