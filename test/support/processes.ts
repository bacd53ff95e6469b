/**
 * Processes the test harnesses start: they die with the test, under `setpriv --pdeathsig` (as the
 * local target's supervisor starts apps), so a test runner killed mid-test leaves nothing behind;
 * and they are stopped the way a kubelet or an init system does, SIGTERM then SIGKILL.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { findSetpriv } from '../../src/targets/local/supervisor/spawn.ts';

export function spawnTied(command: string, args: string[], opts: SpawnOptions): ChildProcess {
  const setpriv = findSetpriv();
  return setpriv
    ? spawn(setpriv, ['--pdeathsig', 'SIGTERM', '--', command, ...args], opts)
    : spawn(command, args, opts);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
export function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
