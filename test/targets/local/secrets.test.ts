/**
 * Secrets stay secret and survive restarts: an instance's log is stored with its secret values
 * redacted (so a failed release's reason cannot quote one), and a `source: env` secret is kept in
 * the daemon's 0600 store, so restore and adoption after a restart need no deploying shell.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { test } from 'node:test';
import { DaemonClient } from '../../../src/targets/local/daemon/client.ts';
import type { RevisionRuntime } from '../../../src/targets/local/runtime.ts';
import {
  knownSecrets,
  MIN_REDACTED_LENGTH,
  Redactor,
  redactText,
  tooShortToRedact,
} from '../../../src/targets/local/supervisor/redact.ts';
import { Revision } from '../../../src/targets/local/supervisor/revision.ts';
import { baseEnv, findSetpriv } from '../../../src/targets/local/supervisor/spawn.ts';
import { openLocalTarget } from '../../../src/targets/local/target.ts';
import { fixtureConfig } from './config-helpers.ts';
import { deployAll, get, record, type Setup, setup, spec } from './daemon-helpers.ts';
import { FIXTURE_APP, fixtureRuntime, isAlive, tempDir, until } from './helpers.ts';

const redactStream = (chunks: (string | Buffer)[], values: Record<string, string>) =>
  text(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new Redactor(knownSecrets(values))));

test('the redactor replaces a value however the output is cut into chunks, and keeps every other byte', async () => {
  const secret = 'hunter2-päss'; // a multi-byte character too: chunks may split it
  const line = `start ${secret} middle ${secret}${secret} end\n`;
  const bytes = Buffer.from(line);
  const want = 'start [redacted:DB] middle [redacted:DB][redacted:DB] end\n';
  for (let cut = 1; cut < bytes.length; cut++) {
    const got = await redactStream([bytes.subarray(0, cut), bytes.subarray(cut)], { DB: secret });
    assert.equal(got, want, `cut at byte ${cut}`);
  }
  // One byte at a time; a longer value containing a shorter one is replaced whole.
  assert.equal(
    await redactStream(
      [...Buffer.from(`a=${secret}-x; b=${secret}\n`)].map((b) => Buffer.from([b])),
      {
        DB: secret,
        LONG: `${secret}-x`,
      },
    ),
    'a=[redacted:LONG]; b=[redacted:DB]\n',
  );
  // Overlapping values: the end of one is the start of another.
  for (const chunks of [['abcd'], ['ab', 'cd'], ['abc', 'd', 'xy'], ['a', 'bcdxy']])
    assert.equal(
      await redactStream(chunks, { A: 'abcd', C: 'cdxy' }),
      chunks.join('').startsWith('abcdxy') ? '[redacted:A]xy' : '[redacted:A]',
      chunks.join('|'),
    );
  // A held prefix that turns out not to be the value is written unchanged; bytes that are not
  // UTF-8 pass through as they are.
  const raw = Buffer.from([0x68, 0x75, 0x6e, 0x74, 0xff, 0xfe, 0x0a]);
  const out = Buffer.from(
    await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      Readable.from([raw])
        .pipe(new Redactor(knownSecrets({ DB: secret })))
        .on('data', (b: Buffer) => parts.push(b))
        .on('end', () => resolve(Buffer.concat(parts)));
    }),
  );
  assert.deepEqual(out, raw);
  assert.equal(await redactStream(['ends with hunt'], { DB: secret }), 'ends with hunt');
});

test(`values shorter than ${MIN_REDACTED_LENGTH} characters are not redacted, and are named`, () => {
  const values = { PIN: '123', EMPTY: '', TOKEN: 'abcd' };
  assert.deepEqual(
    knownSecrets(values).map((s) => s.name),
    ['TOKEN'],
  );
  assert.deepEqual(tooShortToRedact(values), ['PIN']);
  assert.equal(redactText('pin 123 token abcd', knownSecrets(values)), 'pin 123 token [redacted:TOKEN]');
});

test('an app that prints its secret and exits at start: the reason and the stored log hold no value', async (t) => {
  const secret = 'correct-horse-battery-staple';
  let rev: Revision | undefined;
  const dir = await tempDir(t, 'slipway-local-', async () => rev?.stop(200));
  const runtime: RevisionRuntime = fixtureRuntime({
    maxRestarts: 1,
    secrets: [{ name: 'DB_PASSWORD', source: 'env', key: 'X' }],
  });
  rev = new Revision({
    runtime,
    cwd: FIXTURE_APP,
    env: { ...baseEnv(), DB_PASSWORD: secret, PRINT_VAR: 'DB_PASSWORD', CRASH_ON_START: '1' },
    logFile: (i) => join(dir, `${i}.log`),
    onChange: () => {},
  });
  await rev.scale(1);
  const reason = await until('failure', () => rev.observe().failed);
  assert.doesNotMatch(reason, /horse/);
  assert.match(reason, /connecting with DB_PASSWORD=\[redacted:DB_PASSWORD\] now/);
  assert.match(reason, /stderr too: \[redacted:DB_PASSWORD\]/);
  assert.match(
    reason,
    /fatal: CRASH_ON_START is set, exiting/,
    'the last lines are quoted, not lost to the pipe',
  );
  const log = await readFile(join(dir, '0.log'), 'utf8');
  assert.doesNotMatch(log, /horse/);
  assert.equal(log.match(/\[redacted:DB_PASSWORD\]/g)?.length, 4, log);
});

/** A setup whose target forwards `FIXTURE_API_TOKEN` from its own (not the daemon's) environment. */
async function withEnvSecret(t: import('node:test').TestContext, secret: string) {
  const s = await setup(t, {
    secrets: { API_TOKEN: { source: 'env', key: 'FIXTURE_API_TOKEN' } },
    env: { NEEDS_VAR: 'API_TOKEN', ECHO_VAR: 'API_TOKEN', APP_VERSION: 'v1' },
  });
  const deploying = await openLocalTarget({
    stateDir: s.paths.root,
    environment: 'development',
    config: s.config,
    serviceDir: s.dir,
    processEnv: { FIXTURE_API_TOKEN: secret },
  });
  return { plain: s, deploying: { ...s, target: deploying } satisfies Setup };
}

test('a source: env secret survives kill -9 of the daemon, then of keeper and daemon, with no deploying shell', {
  skip: findSetpriv() ? false : 'setpriv (util-linux) is not installed',
  timeout: 120_000,
}, async (t) => {
  const secret = 'env-secret-value-42';
  assert.equal(process.env.FIXTURE_API_TOKEN, undefined, 'the daemon cannot inherit it');
  const { plain, deploying } = await withEnvSecret(t, secret);
  await deployAll(deploying, 1);
  await deploying.target.ledger().finish(1, 'promoted', ['test'], Date.now());
  assert.equal((await get(plain.port)).body.echo, secret);
  const store = plain.paths.secretStore('development', 1);
  assert.equal((await stat(store)).mode & 0o777, 0o600);
  assert.equal((await stat(dirname(store))).mode & 0o777, 0o700);
  assert.equal((await stat(dirname(dirname(store)))).mode & 0o777, 0o700);

  // kill -9 of the daemon: the keeper starts a new one, which adopts the running instance.
  const first = (await DaemonClient.read(plain.paths.root))!;
  process.kill(first.info.pid, 'SIGKILL');
  const second = await until('a new daemon', async () => {
    const c = await DaemonClient.read(plain.paths.root);
    return c && c.info.pid !== first.info.pid && (await c.healthy()) ? c : undefined;
  });
  const adopted = await until('adopted', async () => {
    const st = await second.call('status');
    const env = st.environments[0];
    return env?.restoreError || env?.revisions[0]?.instances[0]?.state === 'ready' ? env : undefined;
  });
  assert.equal(adopted.restoreError, undefined);

  // kill -9 of the keeper and the daemon: the next call (from a shell without the variable)
  // starts a daemon that reaps the old instance and restores release 1 with the kept value.
  const pids = [second.info.keeperPid!, second.info.pid];
  process.kill(second.info.keeperPid!, 'SIGKILL');
  process.kill(second.info.pid, 'SIGKILL');
  await until('keeper and daemon gone', () => (pids.every((p) => !isAlive(p)) ? true : undefined), 5000);
  await plain.target.observe();
  const answer = await until('routing restored', async () => {
    const r = await get(plain.port).catch(() => undefined);
    return r?.status === 200 ? r : undefined;
  });
  assert.equal(answer.body.echo, secret);
  const status = await (await DaemonClient.read(plain.paths.root))!.call('status');
  assert.equal(status.environments[0]?.restoreError, undefined);

  // Release 2 promoted and release 1 retired: release 1's kept values are removed.
  const v2 = fixtureConfig(plain.port, {
    secrets: { API_TOKEN: { source: 'env', key: 'FIXTURE_API_TOKEN' } },
    env: { NEEDS_VAR: 'API_TOKEN', ECHO_VAR: 'API_TOKEN', APP_VERSION: 'v2' },
  });
  await deploying.target.ledger().begin(record(deploying, 2, { config: v2 }));
  await deploying.target.apply([{ kind: 'ensure-revision', release: 2, replicas: 1 }], spec(deploying, 2));
  await until('release 2 ready', async () =>
    (await deploying.target.observe()).revisions.find((r) => r.release === 2)?.ready === 1 ? true : undefined,
  );
  await deploying.target.apply(
    [
      { kind: 'set-traffic', weights: { '1': 0, '2': 100 }, stable: 2 },
      { kind: 'retire-revision', release: 1, drainMs: 200 },
    ],
    spec(deploying, 2),
  );
  assert.equal((await get(plain.port)).body.echo, secret);
  await assert.rejects(stat(store), /ENOENT/);
  await stat(plain.paths.secretStore('development', 2));

  // Outside the two secret stores, no file in the state folder holds the value.
  for (const f of await listFiles(plain.paths.root)) {
    if (f.startsWith(join(plain.paths.root, 'secrets'))) continue;
    assert.doesNotMatch(await readFile(f, 'latin1'), new RegExp(secret), f);
  }
});

test('a deployed app that logs its secret and crashes: nothing in the state folder but the stores holds it', async (t) => {
  const secret = 'file-secret-value-77';
  const s = await setup(t, {
    secrets: { DB_PASSWORD: { source: 'file', key: 'DB_PASSWORD' } },
    env: { PRINT_VAR: 'DB_PASSWORD', CRASH_ON_START: '1' },
  });
  await writeFile(s.paths.secrets('development'), `DB_PASSWORD=${secret}\n`, { mode: 0o600 });
  await s.target.ledger().begin(record(s, 1));
  await s.target.apply([{ kind: 'ensure-revision', release: 1, replicas: 1 }], spec(s, 1));
  const failed = await until(
    'release 1 failed',
    async () => (await s.target.observe()).revisions[0]?.failed,
    30_000,
  );
  assert.match(failed, /\[redacted:DB_PASSWORD\]/);
  assert.doesNotMatch(failed, new RegExp(secret));
  await s.target.ledger().finish(1, 'failed', [failed], Date.now());
  for (const f of await listFiles(s.paths.root)) {
    if (f === s.paths.secrets('development')) continue;
    assert.doesNotMatch(await readFile(f, 'latin1'), new RegExp(secret), f);
  }
  await assert.rejects(stat(join(s.paths.root, 'secrets')), /ENOENT/, 'a file secret is never copied');
});

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'artifacts') out.push(...(await listFiles(p)));
    } else if (e.isFile()) out.push(p);
  }
  return out;
}
