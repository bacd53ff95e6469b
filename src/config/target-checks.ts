/**
 * Rules that depend on an environment's target or span several sections. They read the merged
 * (not yet validated) config defensively, so they run even when other sections have type errors
 * and every problem is reported in one pass; a value of the wrong type is skipped here because the
 * schema already reports it.
 */
import { isMapping } from './merge.ts';
import type { RawProblem } from './problems.ts';
import { queryChecks } from './query-checks.ts';

/** A problem that belongs to the environment even when the base holds the value. */
export interface TargetProblem extends RawProblem {
  inEnvironment: true;
}

function get(root: unknown, ...path: string[]): unknown {
  let node = root;
  for (const key of path) node = isMapping(node) ? node[key] : undefined;
  return node;
}

const int = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isInteger(v) ? v : undefined;

export function targetChecks(config: unknown, environment: string): TargetProblem[] {
  const out: TargetProblem[] = [];
  const add = (p: Omit<TargetProblem, 'inEnvironment'>) => out.push({ ...p, inEnvironment: true });
  const target = get(config, 'target');
  const because = `environment "${environment}" uses the ${String(target)} target`;

  if (target === 'local') {
    if (get(config, 'artifact', 'local') === undefined) {
      add({
        path: ['artifact', 'local'],
        message: `is required because ${because}`,
        expected: 'artifact.local with path and start',
        hint: 'e.g. local: {path: ., start: node src/server.ts}',
      });
    }
    if (get(config, 'proxy', 'port') === undefined) {
      add({
        path: ['proxy', 'port'],
        message: `is required because ${because}`,
        expected: 'the port the environment is served on, e.g. 8080',
      });
    }
    if (get(config, 'autoscaling') !== undefined) {
      add({
        path: ['autoscaling'],
        message: 'is not supported on the local target',
        value: get(config, 'autoscaling'),
        expected: 'no autoscaling',
        hint: `remove it for this environment with environments.${environment}.autoscaling: null`,
      });
    }
  }

  if (target === 'kubernetes') {
    if (get(config, 'artifact', 'image') === undefined) {
      add({
        path: ['artifact', 'image'],
        message: `is required because ${because}`,
        expected: 'an image repository such as ghcr.io/acme/hello',
      });
    }
    capacityChecks(config, add);
  }

  secretChecks(config, target, add);
  queryChecks(config, add);
  return out;
}

function capacityChecks(config: unknown, add: (p: Omit<TargetProblem, 'inEnvironment'>) => void): void {
  const replicas = int(get(config, 'replicas')) ?? 1;
  const min = int(get(config, 'autoscaling', 'min'));
  const max = int(get(config, 'autoscaling', 'max'));
  if (min !== undefined && max !== undefined && min <= max && (replicas < min || replicas > max)) {
    add({
      path: ['replicas'],
      message: `is outside autoscaling's range ${min}..${max}`,
      value: replicas,
      expected: `between ${min} and ${max}`,
      hint: 'replicas is the starting capacity; the autoscaler keeps it within min..max',
    });
  }
  const floor = min ?? replicas;
  const minAvailable = get(config, 'kubernetes', 'pdb', 'minAvailable');
  const maxUnavailable = get(config, 'kubernetes', 'pdb', 'maxUnavailable');
  const blocks =
    (typeof minAvailable === 'number' && minAvailable >= floor) ||
    minAvailable === '100%' ||
    maxUnavailable === 0 ||
    maxUnavailable === '0%';
  if (blocks) {
    const key = minAvailable !== undefined ? 'minAvailable' : 'maxUnavailable';
    add({
      path: ['kubernetes', 'pdb', key],
      message: `blocks every voluntary eviction with ${floor} instance${floor === 1 ? '' : 's'}`,
      value: minAvailable ?? maxUnavailable,
      expected: floor > 1 ? `minAvailable below ${floor}` : 'more than one instance, or no PDB',
      hint: 'node drains would hang; lower it or raise replicas / autoscaling.min',
    });
  }
  const requests = get(config, 'resources', 'requests', 'cpu');
  if (min !== undefined && requests === undefined) {
    add({
      path: ['resources', 'requests', 'cpu'],
      message: 'is required with autoscaling',
      expected: 'a CPU request such as 100m',
      hint: 'targetCPU is a percentage of the request',
    });
  }
}

const SOURCES_BY_TARGET: Record<string, readonly string[]> = {
  local: ['file', 'env'],
  kubernetes: ['kubernetes-secret', 'external-secret'],
};

function secretChecks(
  config: unknown,
  target: unknown,
  add: (p: Omit<TargetProblem, 'inEnvironment'>) => void,
): void {
  const secrets = get(config, 'secrets');
  const env = get(config, 'env');
  const portEnv = get(config, 'portEnv') ?? 'PORT';
  const allowed = typeof target === 'string' ? SOURCES_BY_TARGET[target] : undefined;
  if (isMapping(secrets)) {
    for (const [name, ref] of Object.entries(secrets)) {
      const source = get(ref, 'source');
      if (allowed && typeof source === 'string' && !allowed.includes(source)) {
        add({
          path: ['secrets', name, 'source'],
          message: `cannot be read on the ${String(target)} target`,
          value: source,
          expected: `one of ${allowed.join(', ')}`,
          hint: 'override this secret in the environment with a source its target can read',
        });
      }
      if (isMapping(env) && name in env) {
        add({
          path: ['secrets', name],
          message: 'is also set in env',
          expected: 'each variable in env or secrets, not both',
        });
      }
    }
  }
  for (const section of ['env', 'secrets'] as const) {
    const vars = get(config, section);
    if (typeof portEnv === 'string' && isMapping(vars) && portEnv in vars) {
      add({
        path: [section, portEnv],
        message: `is set by Slipway (portEnv) for each instance`,
        expected: `no ${portEnv} here`,
        hint: 'set the port with `port` (kubernetes) or let the local target choose one',
      });
    }
  }
}

/**
 * Rules across environments: on one machine, every local environment's proxy port and blue-green
 * preview port must be distinct.
 */
export function crossEnvironmentChecks(resolved: Record<string, unknown>): TargetProblem[] {
  const out: TargetProblem[] = [];
  const owners = new Map<number, string>();
  for (const [name, config] of Object.entries(resolved)) {
    if (get(config, 'target') !== 'local') continue;
    const listeners: [string[], unknown][] = [
      [['proxy', 'port'], get(config, 'proxy', 'port')],
      [
        ['strategy', 'blue-green', 'preview', 'port'],
        get(config, 'strategy', 'blue-green', 'preview', 'port'),
      ],
    ];
    for (const [path, port] of listeners) {
      if (typeof port !== 'number') continue;
      const owner = owners.get(port);
      const label = `environment "${name}" (${path.join('.')})`;
      if (owner === undefined) {
        owners.set(port, label);
        continue;
      }
      out.push({
        path: ['environments', name, ...path],
        inEnvironment: true,
        message: `is already used by ${owner}`,
        value: port,
        expected: 'a port no other local listener uses',
      });
    }
  }
  return out;
}
