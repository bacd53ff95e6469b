/**
 * A real Prometheus (the Debian `prometheus` binary) for tests: started on a free loopback port
 * from `<dir>/prometheus.yml`, storing in `<dir>/data`, tied to the test process.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/targets/local/supervisor/ports.ts';
import { spawnTied } from './processes.ts';

export const prometheusBinary = (): string | undefined =>
  spawnSync('prometheus', ['--version']).status === 0 ? 'prometheus' : undefined;

/** Starts Prometheus and resolves once it answers `/-/ready`. */
export async function startPrometheus(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const binary = prometheusBinary();
  if (!binary) throw new Error('the prometheus binary is not installed (apt-get install prometheus)');
  const port = await freePort();
  const child = spawnTied(
    binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60_000; ; ) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { url, child };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prometheus did not become ready on ${url} (exit code ${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
