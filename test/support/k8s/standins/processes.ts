/**
 * The harness's processes: they die with the test, under `setpriv --pdeathsig` (as the local
 * target's supervisor starts apps), so a test runner killed mid-test leaves no stand-in or
 * Prometheus behind; and they listen on free loopback ports.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { findSetpriv } from '../../../../src/targets/local/supervisor/spawn.ts';

export function spawnTied(command: string, args: string[], opts: SpawnOptions): ChildProcess {
  const setpriv = findSetpriv();
  return setpriv
    ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args], opts)
    : spawn(command, args, opts);
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
