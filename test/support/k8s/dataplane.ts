// The test cluster's real data plane (scripts/k8s/dataplane.sh): Contour programming Envoy from the
// Gateway `slipway-system/contour` and the HTTPRoutes attached to it. Opt-in per test file, after
// useCluster(): the other Kubernetes tests need no traffic and do not pay for it. It stays up for
// later test files and stops with the cluster (down.sh stops it first).
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/k8s/dataplane.sh');

export interface DataPlane {
  /** `host:port` of Envoy's listener for the Gateway's `http` listener. */
  http: string;
  /** The Unix socket of Envoy’s admin endpoint (`/stats`, `/clusters`, `/config_dump`). */
  admin: string;
  /** The Gateway routes attach to (`parentRef`). */
  gateway: { namespace: string; name: string };
  envoyVersion: string;
  contourVersion: string;
}

let shared: Promise<DataPlane> | undefined;

/**
 * Builds (first time: Envoy's wheel in seconds, Contour's `go install` in minutes) and starts the
 * data plane, or reuses the running one. Rejects with the script's last lines when it cannot.
 */
export function useDataPlane(): Promise<DataPlane> {
  shared ??= run(script, ['up'], { timeout: 30 * 60_000, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout }) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as DataPlane,
    (error: { code?: number; signal?: string; stderr?: string }) => {
      const tail = (error.stderr ?? '').trimEnd().split('\n').slice(-30).join('\n');
      throw new Error(
        `The data plane did not start: scripts/k8s/dataplane.sh up ended with ${error.signal ?? `exit code ${error.code}`}. ` +
          `Its last lines:\n${tail}`,
      );
    },
  );
  return shared;
}
