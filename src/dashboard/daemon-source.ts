/**
 * The dashboard inside the local daemon: environments, ledgers, counters and locks are read in
 * process; a rollback asked for from the page runs the engine right here, against the daemon's own
 * API (a `LocalTarget` talking to 127.0.0.1), as `slipway rollback` would from a shell.
 */
import { readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { readStoredConfig } from '../config/index.ts';
import type { NotificationConfig } from '../config/schema/notifications.ts';
import { planRollback, rollback } from '../engine/api.ts';
import { systemClock } from '../engine/clock.ts';
import type { Ledger } from '../engine/target.ts';
import { createNotifier } from '../notifications/notifier.ts';
import { DaemonClient } from '../targets/local/daemon/client.ts';
import type { EnvironmentStatus } from '../targets/local/daemon/environment.ts';
import type { Lease } from '../targets/local/state/lock.ts';
import type { StatePaths } from '../targets/local/state/paths.ts';
import { LocalTarget } from '../targets/local/target.ts';
import { parseProxyMetrics } from '../targets/samples.ts';
import type { DashboardSource, EnvironmentSource } from './source.ts';

/** The few things of the daemon the dashboard reads (kept small so the daemon can change freely). */
export interface DaemonView {
  readonly paths: StatePaths;
  readonly token: string;
  readonly port: number;
  readonly startedAt: number;
  readonly leases: { current(env: string): Promise<Lease | undefined> };
  environments(): {
    name: string;
    status(): EnvironmentStatus;
    proxy?: { metrics(): string | Promise<string> } | undefined;
  }[];
  ledger(name: string): Ledger;
}

export function daemonSource(daemon: DaemonView): DashboardSource {
  const cache = new Map<string, EnvironmentSource>();
  return {
    async environments() {
      const live = daemon.environments().map((e) => e.name);
      const files = await readdir(daemon.paths.root).catch(() => [] as string[]);
      const recorded = files.flatMap((f) => /^ledger\.(.+)\.jsonl$/.exec(f)?.[1] ?? []);
      const names = [...new Set([...live, ...recorded])].sort();
      return names.map((name) => {
        const known = cache.get(name);
        if (known) return known;
        const src = environmentSource(daemon, name);
        cache.set(name, src);
        return src;
      });
    },
  };
}

function environmentSource(daemon: DaemonView, name: string): EnvironmentSource {
  const live = () => daemon.environments().find((e) => e.name === name);
  const holder = `dashboard@${hostname()}:${process.pid}`;
  /** A target on the daemon's own API, configured like the environment's latest release. */
  const target = async () => {
    const records = await daemon.ledger(name).releases();
    const last = records.at(-1);
    if (!last) throw new Error(`${name} has no release to roll back to`);
    const config = readStoredConfig(last.config, `release ${last.release} of ${name}`);
    const client = new DaemonClient(
      daemon.paths,
      { pid: process.pid, port: daemon.port, startedAt: daemon.startedAt },
      daemon.token,
    );
    return new LocalTarget({ stateDir: daemon.paths.root, environment: name, config }, client);
  };
  return {
    name,
    target: 'local',
    async endpoint() {
      const port = live()?.status().proxyPort;
      return port === undefined ? undefined : `http://127.0.0.1:${port}`;
    },
    async observe() {
      const s = live()?.status();
      return {
        weights: s?.weights ?? {},
        revisions: (s?.revisions ?? []).map((r) => ({
          release: r.release,
          desired: r.desired,
          ready: r.ready,
          digest: r.digest,
          ...(r.failed ? { failed: r.failed } : {}),
        })),
      };
    },
    ledger: () => daemon.ledger(name),
    async sample() {
      const text = await live()?.proxy?.metrics();
      return text === undefined ? undefined : parseProxyMetrics(text);
    },
    async lock() {
      const lease = await daemon.leases.current(name);
      return lease ? { holder: lease.holder, expiresAt: lease.expiresAt } : undefined;
    },
    async planRollback(to) {
      return planRollback(await target(), name, to === undefined ? {} : { to });
    },
    async rollback(to) {
      const t = await target();
      // Announced like a rollback from a shell, to the channels of the latest release's config.
      const latest = (await t.ledger().releases()).at(-1)?.config as
        | { notifications?: NotificationConfig[] }
        | undefined;
      const notifier = createNotifier({
        configs: latest?.notifications ?? [],
        ledger: t.ledger(),
        environment: name,
        serviceDir: dirname(daemon.paths.root),
        processEnv: process.env,
      });
      const deps = { target: t, metrics: t.metrics(), clock: systemClock, holder };
      const withNotes = notifier ? { ...deps, onProgress: notifier.onProgress } : deps;
      return rollback(withNotes, name, to === undefined ? {} : { to });
    },
  };
}
