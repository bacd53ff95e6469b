/**
 * Commands against a damaged `daemon.json` / `daemon.token`, through the CLI: each ends within a
 * few seconds — put right by the running daemon (it rewrites both every 2 s), or failing with the
 * file and the fix — never the long hang of before. Bounds are for a loaded 2-core machine, where
 * the CLI's own start takes 1–3 s.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonClient, isAlive } from '../../src/targets/local/daemon/client.ts';
import { type Workspace, workspace } from './support/workspace.ts';

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');

async function timed(ws: Workspace, args: string[]) {
  const t0 = performance.now();
  const r = await ws.run(args, { timeoutMs: 60_000 });
  return { ...r, ms: Math.round(performance.now() - t0) };
}

async function deployed(t: import('node:test').TestContext): Promise<Workspace> {
  const ws = await workspace(t);
  await ws.write();
  const r = await ws.run(['deploy', '--env', 'development']);
  assert.equal(r.code, 0, r.stderr);
  return ws;
}

test('garbage daemon.json, a wrong token, a FIFO in its place: status, history and deploy end in seconds', {
  timeout: 240_000,
}, async (t) => {
  const ws = await deployed(t);
  const baseline = await timed(ws, ['status', '--env', 'development']);
  t.diagnostic(`status against a healthy daemon: ${baseline.ms} ms`);
  const info = join(ws.stateDir, 'daemon.json');
  const token = join(ws.stateDir, 'daemon.token');
  const damage: [string, () => Promise<void>][] = [
    ['garbage daemon.json', () => writeFile(info, 'GARBAGE{')],
    ['wrong daemon.token', () => writeFile(token, `${'0'.repeat(64)}\n`)],
    ['both', () => Promise.all([writeFile(info, '{"pid": "x"}'), writeFile(token, 'nope\n')]).then(() => {})],
    [
      'a FIFO as daemon.json',
      async () => {
        await rm(info);
        execFileSync('mkfifo', [info]);
      },
    ],
  ];
  const rows: string[] = [];
  for (const [what, spoil] of damage) {
    for (const args of [
      ['status', '--env', 'development'],
      ['history', '--env', 'development'],
      ['deploy', '--env', 'development'],
    ]) {
      await spoil();
      const r = await timed(ws, args);
      rows.push(`${what} | ${args[0]} | exit ${r.code} | ${r.ms} ms`);
      assert.equal(r.code, 0, `${what}, ${args[0]}: ${r.stderr}`);
      noStack(r.stderr);
      // The daemon puts its files right within 2 s: a little more than a healthy call costs here.
      assert.ok(
        r.ms < baseline.ms + 10_000,
        `${what}, ${args[0]} took ${r.ms} ms (healthy: ${baseline.ms} ms)`,
      );
    }
  }
  for (const row of rows) t.diagnostic(row);
  // The daemon was never wedged: it answers, and its files say what it is.
  const client = (await DaemonClient.read(ws.stateDir))!;
  assert.ok(await client.healthy());
  assert.match(await readFile(join(ws.stateDir, 'daemon.log'), 'utf8'), /rewritten/);
});

test('a daemon that runs but is stuck: a command fails within seconds naming the file and local down', {
  timeout: 120_000,
}, async (t) => {
  const ws = await deployed(t);
  const client = (await DaemonClient.read(ws.stateDir))!;
  const baseline = await timed(ws, ['status', '--env', 'development']);
  t.diagnostic(`status against a healthy daemon: ${baseline.ms} ms`);
  // The daemon must be past its boot grace (15 s) before it counts as stuck rather than starting.
  const age = Date.now() - client.info.startedAt;
  if (age < 16_000) await new Promise((r) => setTimeout(r, 16_000 - age));
  process.kill(client.info.pid, 'SIGSTOP');
  const resume = () => {
    if (isAlive(client.info.pid)) process.kill(client.info.pid, 'SIGCONT');
  };
  t.after(resume);
  await writeFile(join(ws.stateDir, 'daemon.json'), 'GARBAGE{');
  for (const args of [
    ['status', '--env', 'development'],
    ['history', '--env', 'development'],
  ]) {
    const r = await timed(ws, args);
    t.diagnostic(`${args[0]} against a stopped daemon: exit ${r.code} after ${r.ms} ms`);
    assert.notEqual(r.code, 0);
    // 3 s of waiting for the daemon to put its files right, on top of what a healthy call costs here.
    assert.ok(r.ms < baseline.ms + 10_000, `took ${r.ms} ms (healthy: ${baseline.ms} ms)`);
    assert.match(r.stderr, /daemon\.json is damaged \(not valid JSON/);
    assert.match(r.stderr, new RegExp(`runs but is stuck.*slipway local down --state-dir ${ws.stateDir}`));
    noStack(r.stderr);
  }
  resume();
});
