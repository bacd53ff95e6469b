/**
 * Layout of the state folder (default `.slipway/` beside slipway.yaml). One daemon owns one state
 * folder; every file name is derived here so the layout is documented in one place.
 */
import { dirname, join, resolve } from 'node:path';

const ENV_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Environment names become file names, so they are checked before any path is built from them. */
export function checkEnvironmentName(env: string): string {
  if (!ENV_NAME.test(env)) {
    throw new Error(
      `invalid environment name ${JSON.stringify(env)}: use lowercase letters, digits and dashes (e.g. "staging")`,
    );
  }
  return env;
}

export class StatePaths {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }
  /** The default state folder for a slipway.yaml: `.slipway/` beside it. */
  static besideConfig(configFile: string): StatePaths {
    return new StatePaths(join(dirname(resolve(configFile)), '.slipway'));
  }
  get daemonInfo(): string {
    return join(this.root, 'daemon.json');
  }
  get daemonToken(): string {
    return join(this.root, 'daemon.token');
  }
  get daemonPid(): string {
    return join(this.root, 'daemon.pid');
  }
  /** The keeper's pid: the parent that holds the proxies and apps and restarts the daemon. */
  get keeperPid(): string {
    return join(this.root, 'keeper.pid');
  }
  get daemonLog(): string {
    return join(this.root, 'daemon.log');
  }
  get artifacts(): string {
    return join(this.root, 'artifacts');
  }
  artifact(digest: string): string {
    return join(this.artifacts, digest.replace(':', '-'));
  }
  ledger(env: string): string {
    return join(this.root, `ledger.${checkEnvironmentName(env)}.jsonl`);
  }
  commands(env: string): string {
    return join(this.root, `commands.${checkEnvironmentName(env)}.jsonl`);
  }
  progress(env: string, release: number): string {
    return join(this.root, 'progress', `${checkEnvironmentName(env)}.${release}.json`);
  }
  lock(env: string): string {
    return join(this.root, `lock.${checkEnvironmentName(env)}.json`);
  }
  secrets(env: string): string {
    return join(this.root, `secrets.${checkEnvironmentName(env)}.env`);
  }
  /** The `source: env` secret values a release started with (0600, daemon-owned; see secret-store.ts). */
  secretStore(env: string, release: number): string {
    return join(this.root, 'secrets', checkEnvironmentName(env), `${release}.json`);
  }
  /** The runtime settings of each release the daemon started (what restore needs, no secret values). */
  runtime(env: string, release: number): string {
    return join(this.root, 'runtime', checkEnvironmentName(env), `${release}.json`);
  }
  instanceLog(env: string, release: number, index: number): string {
    return join(this.root, 'logs', checkEnvironmentName(env), `${release}-${index}.log`);
  }
  logsDir(env: string): string {
    return join(this.root, 'logs', checkEnvironmentName(env));
  }
}
