/** Set-up for tests that run the real detached daemon: a state folder with the fixture app packed. */
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { ReleaseSpec } from '../../../src/core/spec.ts';
import type { ReleaseRecord } from '../../../src/engine/target.ts';
import { packFolder } from '../../../src/targets/local/artifacts/pack.ts';
import { DaemonClient, isAlive } from '../../../src/targets/local/daemon/client.ts';
import { stopDaemon } from '../../../src/targets/local/daemon/stop.ts';
import { StatePaths } from '../../../src/targets/local/state/paths.ts';
import { type LocalTarget, openLocalTarget } from '../../../src/targets/local/target.ts';
import { type ConfigOverrides, fixtureConfig } from './config-helpers.ts';
import { FIXTURE_APP, freeProxyPort, tempDir, until } from './helpers.ts';

export interface Setup {
  dir: string;
  paths: StatePaths;
  port: number;
  digest: string;
  target: LocalTarget;
  config: ReturnType<typeof fixtureConfig>;
}

/** A state folder, the fixture packed, a daemon (stopped, or SIGKILLed, when the test ends). */
export async function setup(t: TestContext, configOver: ConfigOverrides = {}): Promise<Setup> {
  const dir = await tempDir(t, 'slipway-local-', (d) => stopEverything(new StatePaths(join(d, '.slipway'))));
  const paths = new StatePaths(join(dir, '.slipway'));
  const { digest } = await packFolder(FIXTURE_APP, paths);
  const port = await freeProxyPort();
  const config = fixtureConfig(port, configOver);
  const target = await openLocalTarget({
    stateDir: paths.root,
    environment: 'development',
    config,
    serviceDir: dir,
  });
  return { dir, paths, port, digest, target, config };
}

/** Stops the daemon gracefully; if it does not answer, kills whatever pid it left. */
export async function stopEverything(paths: StatePaths): Promise<void> {
  const client = await DaemonClient.read(paths.root);
  if (!(await stopDaemon(paths.root, 15_000)) && client) {
    // The keeper first: it would start a killed daemon again (its apps die with it).
    for (const pid of [client.info.keeperPid, client.info.pid])
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}

export function record(s: Setup, release: number, over: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return {
    release,
    environment: 'development',
    service: 'fixture',
    digest: s.digest,
    configHash: 'test',
    config: s.config,
    strategy: 'rolling',
    startedAt: Date.now(),
    reasons: [],
    ...over,
  };
}

export function spec(s: Setup, release: number): ReleaseSpec {
  return {
    service: 'fixture',
    environment: 'development',
    release,
    artifact: { digest: s.digest },
    configHash: 'test',
    replicas: 1,
    strategy: { kind: 'rolling', maxSurge: 1, maxUnavailable: 0 },
    analysis: { maxErrorRate: 0.01, failureBudget: 20, minSample: 10, alpha: 0.01, noData: 'inconclusive' },
    progressDeadlineMs: 60_000,
    drainMs: 1000,
  };
}

/** Starts a release and routes all traffic to it once it is ready. */
export async function deployAll(s: Setup, release: number, replicas = 1, over: Partial<ReleaseRecord> = {}) {
  await s.target.ledger().begin(record(s, release, over));
  await s.target.apply([{ kind: 'ensure-revision', release, replicas }], spec(s, release));
  await until(`release ${release} ready`, async () => {
    const rev = (await s.target.observe()).revisions.find((r) => r.release === release);
    if (rev?.failed) throw new Error(rev.failed);
    return rev && rev.ready === replicas ? true : undefined;
  });
  await s.target.apply([{ kind: 'set-traffic', weights: { [String(release)]: 100 } }], spec(s, release));
}

export async function get(
  port: number,
  path = '/',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await res.text();
  return {
    status: res.status,
    body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
