/**
 * Bringing an environment back after the daemon restarted: without a keeper, start the last
 * promoted release again and route to it; under a keeper, adopt the releases whose processes
 * survived and the split the proxy still routes by (`adoptionPlan`), start what is missing and stop
 * strays. A failure is kept per environment (`restoreErrors`, shown by status), never thrown.
 */
import type { Inventory } from '../keeper/protocol.ts';
import type { KeeperLink } from '../keeper/remote.ts';
import type { ProxySettings, RevisionRuntime } from '../runtime.ts';
import type { FileLedger } from '../state/ledger.ts';
import type { StatePaths } from '../state/paths.ts';
import { readRuntime, readRuntimeOf } from '../state/runtime-file.ts';
import { adoptionPlan } from './adoption.ts';
import type { Environment } from './environment.ts';
import type { EnsureRequest } from './served.ts';

/** What recovery needs of the daemon. */
export interface RecoveryHost {
  readonly paths: StatePaths;
  readonly restoreErrors: Map<string, string>;
  readonly keeper?: KeeperLink;
  log(msg: string, fields?: Record<string, unknown>): void;
  ledger(name: string): FileLedger;
  environment(name: string): Environment;
  ensure(name: string, req: EnsureRequest): Promise<void>;
  /** Marks an adoption of `name` in progress (API calls on it wait); returns its end. */
  hold(name: string): () => void;
}

interface SavedRuntime {
  runtime: RevisionRuntime;
  proxy: ProxySettings;
}

/** Routes `name` back to its last promoted release (no keeper: nothing survived). */
export async function restoreOne(host: RecoveryHost, name: string): Promise<void> {
  try {
    const last = await host.ledger(name).lastPromoted();
    if (!last) return;
    const env = host.environment(name);
    env.stable = last.release;
    // Parsed with its schema; a damaged or missing file is rebuilt from the ledger record.
    const saved = await readRuntime(host.paths, name, last);
    if (saved.rebuilt) host.log(saved.rebuilt, { environment: name, release: last.release });
    await host.ensure(name, { runtime: saved.runtime, proxy: saved.proxy, replicas: saved.runtime.replicas });
    await awaitReady(env, [last.release], saved.runtime.startupTimeoutMs);
    env.setTraffic({ [String(last.release)]: 100 });
    // performance.now() counts from the process start: this is the whole restart, Node boot included.
    host.log('routing restored', {
      environment: name,
      release: last.release,
      msSinceStart: Math.round(performance.now()),
    });
  } catch (err) {
    const msg = `could not restore ${name} to its last promoted release: ${(err as Error).message}`;
    host.restoreErrors.set(name, msg);
    host.log(msg);
  }
}

/**
 * Restore under a keeper: adopt the releases whose processes survived (stable and candidate alike)
 * and the split the proxy still routes by; start what is missing; stop strays. The hold is taken
 * before the first await, so the caller may open the API as soon as every call has started.
 */
export async function adoptOne(host: RecoveryHost, name: string, inventory: Inventory): Promise<void> {
  const release = host.hold(name);
  const env = host.environment(name);
  try {
    const apps = inventory.apps.filter((a) => a.environment === name);
    const lastPromoted = (await host.ledger(name).lastPromoted())?.release;
    const saved = new Map<number, SavedRuntime>();
    for (const r of new Set([...apps.map((a) => a.release), ...(lastPromoted ? [lastPromoted] : [])])) {
      const s = await savedRuntime(host, name, r);
      if (s) saved.set(r, s);
    }
    const port = [...saved.values()][0]?.proxy.port;
    const table = inventory.proxies.find((p) => p.port === port)?.table;
    for (const id of Object.keys(table?.weights ?? {})) {
      const s = saved.has(Number(id)) ? undefined : await savedRuntime(host, name, Number(id));
      if (s) saved.set(Number(id), s);
    }
    const plan = adoptionPlan({
      lastPromoted,
      replicasOf: new Map([...saved].map(([r, s]) => [r, s.runtime.replicas])),
      apps,
      table,
    });
    for (const stray of plan.strays)
      host.keeper?.notify({ op: 'app.kill', app: stray.app, signal: 'SIGTERM' });
    if (plan.releases.length === 0) return;
    env.adoptTraffic(plan.weights, plan.stable);
    await Promise.all(
      plan.releases.map((r) => {
        const s = saved.get(r.release)!;
        const adopt = new Map(
          r.adopt.map((a) => [
            a.index,
            {
              process: host.keeper!.adopt(a.app, a.pid, {
                environment: name,
                release: a.release,
                index: a.index,
                port: a.port,
              }),
              port: a.port,
            },
          ]),
        );
        return host.ensure(name, { runtime: s.runtime, proxy: s.proxy, replicas: r.replicas, adopt });
      }),
    );
    release();
    const weighted = Object.entries(plan.weights)
      .filter(([, w]) => w > 0)
      .map(([id]) => Number(id));
    const timeout = Math.max(...weighted.map((r) => saved.get(r)?.runtime.startupTimeoutMs ?? 30_000), 0);
    await awaitReady(env, weighted, timeout);
    host.log('routing adopted', {
      environment: name,
      weights: plan.weights,
      adopted: plan.releases.map((r) => ({ release: r.release, instances: r.adopt.length })),
      msSinceStart: Math.round(performance.now()),
    });
  } catch (err) {
    const msg = `could not restore ${name} after the daemon restarted: ${(err as Error).message}`;
    host.restoreErrors.set(name, msg);
    host.log(msg);
  } finally {
    env.releaseHold();
    release();
  }
}

/** Parsed with its schema; a damaged or missing file is rebuilt from the ledger record. */
async function savedRuntime(
  host: RecoveryHost,
  name: string,
  release: number,
): Promise<SavedRuntime | undefined> {
  const record = (await host.ledger(name).releases()).find((r) => r.release === release);
  return readRuntimeOf(host.paths, name, release, record, (msg) =>
    host.log(msg, { environment: name, release }),
  );
}

/** Waits until every release in `releases` has a ready instance; throws on a failed one or at the deadline. */
async function awaitReady(env: Environment, releases: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const revs = env.observe().revisions;
    const failed = revs.find((r) => releases.includes(r.release) && r.failed);
    if (failed) throw new Error(`release ${failed.release}: ${failed.failed}`);
    if (releases.every((r) => (revs.find((x) => x.release === r)?.ready ?? 0) > 0)) return;
    if (Date.now() > deadline)
      throw new Error(`no instance of release(s) ${releases.join(', ')} became ready`);
    await env.waitForChange(env.seq, deadline - Date.now());
  }
}
