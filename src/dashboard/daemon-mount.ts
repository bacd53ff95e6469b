/** Mounts the dashboard into the local daemon's server (called by the daemon's process entry). */
import { type DaemonView, daemonSource } from './daemon-source.ts';
import { createDashboard, type Dashboard } from './server/server.ts';

export function mountDashboard(
  daemon: DaemonView,
  log?: (msg: string, fields?: Record<string, unknown>) => void,
): Dashboard {
  const dashboard = createDashboard({
    source: daemonSource(daemon),
    token: daemon.token,
    port: () => daemon.port,
    ...(log ? { log } : {}),
  });
  dashboard.start();
  return dashboard;
}
