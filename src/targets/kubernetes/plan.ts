/**
 * `slipway plan`: what applying the environment would change, without changing anything. Each
 * desired object goes through a server-side dry-run apply (so defaults, admission and strict field
 * validation are the server's), is compared with the live object, and shown as a unified YAML diff;
 * objects prune would delete are listed too.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { PlannedChange } from '../opened.ts';
import { canonical, objectRef } from './objects.ts';
import type { KubernetesTarget } from './target.ts';

export type { PlannedChange };

/** Server-populated fields that say nothing about intent. */
const NOISE = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp'];

export function comparable(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const { status: _, ...rest } = obj as Record<string, unknown>;
  const meta = { ...((rest.metadata as Record<string, unknown>) ?? {}) };
  for (const k of NOISE) delete meta[k];
  const annotations = { ...((meta.annotations as Record<string, string>) ?? {}) };
  delete annotations['deployment.kubernetes.io/revision'];
  meta.annotations = Object.keys(annotations).length > 0 ? annotations : undefined;
  return canonical({ ...rest, metadata: meta });
}

const yaml = (o: unknown) => (o === undefined ? '' : stringify(comparable(o), { sortMapEntries: true }));

export function diffObjects(ref: string, live: unknown, next: unknown): PlannedChange {
  const before = yaml(live);
  const after = yaml(next);
  const action =
    live === undefined ? 'create' : next === undefined ? 'delete' : before === after ? 'unchanged' : 'update';
  const diff =
    action === 'unchanged'
      ? ''
      : createTwoFilesPatch(`live/${ref}`, `planned/${ref}`, before, after, '', '', { context: 3 });
  return { ref, action, diff };
}

/** With `candidate`, the environment as it would be with that new revision added. */
export async function planEnvironment(
  target: KubernetesTarget,
  candidate?: { release: number; digest: string; replicas: number },
): Promise<PlannedChange[]> {
  const desired = await target.desired(undefined, candidate);
  // A first release into a namespace Slipway renders: a dry run cannot create the namespace, so the
  // server would refuse every object in it. They are shown as rendered (validated by Slipway's own
  // schema), and only the Namespace itself goes through the server.
  const newNamespace =
    desired.some((o) => o.kind === 'Namespace') &&
    !(await target.client.read('v1', 'Namespace', '', target.namespace));
  const out: PlannedChange[] = [];
  for (const o of desired) {
    const obj = { ...o, metadata: { ...o.metadata, namespace: target.namespace } };
    if (newNamespace && o.kind !== 'Namespace') {
      out.push(diffObjects(objectRef(o), undefined, obj));
      continue;
    }
    const live = await target.client.read(o.apiVersion, o.kind, target.namespace, o.metadata.name);
    const next = await target.client.apply(o.kind === 'Namespace' ? o : obj, { dryRun: true });
    out.push(diffObjects(objectRef(o), live, next));
  }
  const strays = await target.pruneCandidates(desired);
  for (const s of strays) {
    out.push(diffObjects(`${s.kind}/${s.metadata?.name}`, s, undefined));
  }
  return out;
}
