/** How an instance's end reads: code, signal, or — for a process adopted from a dead parent — unknown. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exitReason } from '../../../../src/targets/local/supervisor/exit-report.ts';

test('exit code, signal, and an adopted process whose status went to its dead parent', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-exit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'app.log');
  await writeFile(logFile, 'listening\nbye\n');
  const log = { logFile, portEnv: 'PORT', port: 4100, secrets: [] };
  assert.match(
    await exitReason({ code: 3, signal: null }, 2100, 'while serving', log),
    /^exited with code 3 while serving \(2\.1 s\)/,
  );
  assert.match(
    await exitReason({ code: null, signal: 'SIGKILL' }, 500, 'during startup', log),
    /^killed by SIGKILL during startup/,
  );
  const unknown = await exitReason({ code: null, signal: null }, 9000, 'while serving', log);
  assert.match(unknown, /^ended while serving \(9\.0 s; exit status unknown: the process was adopted/);
  assert.doesNotMatch(unknown, /SIGKILL|code null/);
  assert.match(unknown, /bye/);
});
