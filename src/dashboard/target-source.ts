/**
 * The dashboard served by the CLI (`slipway dashboard` against a cluster): each environment is an
 * opened target, read through the same interfaces the other commands use; a rollback runs the
 * engine in this process with the deps the `rollback` command would use.
 */
import { type EngineDeps, planRollback, rollback } from '../engine/api.ts';
import type { OpenedTarget } from '../targets/index.ts';
import type { DashboardSource, EnvironmentSource } from './source.ts';

export interface OpenedEnvironment {
  name: string;
  opened: OpenedTarget;
  deps: EngineDeps;
}

export function targetSource(envs: OpenedEnvironment[]): DashboardSource {
  const sources = envs.map(environmentSource);
  return { environments: async () => sources };
}

function environmentSource({ name, opened, deps }: OpenedEnvironment): EnvironmentSource {
  return {
    name,
    target: opened.kind,
    endpoint: async () => (await opened.view()).endpoint,
    async observe() {
      const [observed, view] = await Promise.all([
        opened.target.observe(),
        opened.view().catch(() => undefined),
      ]);
      return {
        weights: observed.weights,
        revisions: observed.revisions.map((r) => {
          const digest = view?.revisions.find((v) => v.release === r.release)?.digest;
          return { ...r, ...(digest ? { digest } : {}) };
        }),
      };
    },
    ledger: () => opened.target.ledger(),
    sample: () => opened.sample(),
    lock: async () => undefined,
    planRollback: (to) => planRollback(opened.target, name, to === undefined ? {} : { to }),
    rollback: (to) => rollback(deps, name, to === undefined ? {} : { to }),
  };
}
