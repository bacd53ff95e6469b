/**
 * The two halves of an environment's objects. *Revision objects* (a release's Deployment, its
 * per-revision Service, its content-hashed ConfigMap, ServiceAccount, ExternalSecrets) are rendered
 * from that release's own recorded config, so a rollback runs exactly what ran. *Environment
 * objects* (stable/preview Services, HTTPRoute, Ingress, HPA, PDB, NetworkPolicy, PodMonitor) follow
 * the current operation's config. Pure: render, then keep one half.
 */
import type { ResolvedConfig } from '../../../config/index.ts';
import { type KubeObject, LABEL, type Owner } from '../objects.ts';
import { renderEnvironment } from '../render/index.ts';
import { noteSplit, stableOf, type TrafficMode } from './traffic.ts';

export interface RevisionInput {
  release: number;
  digest: string;
  replicas: number;
}

/** Revision objects that are shared by name between revisions of the same config. */
const REVISION_SUPPORT = new Set(['Namespace', 'ServiceAccount', 'ConfigMap', 'ExternalSecret']);

/** Everything, with the heaviest-weighted release (else the oldest) as stable and the newest as preview. */
function render(
  config: ResolvedConfig,
  owner: Owner,
  revisions: RevisionInput[],
  weights: Record<string, number>,
  candidate?: number,
): KubeObject[] {
  const releases = revisions.map((r) => r.release).sort((a, b) => a - b);
  const heavy = stableOf(weights, candidate);
  const stable = heavy !== undefined && releases.includes(heavy) ? heavy : releases[0];
  return renderEnvironment(config, {
    environment: owner.environment,
    service: owner.service,
    revisions: revisions.map(({ release, digest, replicas }) => ({ release, digest, replicas })),
    traffic: { weights, stable, preview: releases[releases.length - 1] },
  });
}

export function revisionObjects(config: ResolvedConfig, owner: Owner, r: RevisionInput): KubeObject[] {
  return render(config, owner, [r], { [String(r.release)]: 100 }).filter(
    (o) => o.metadata.labels?.[LABEL.release] === String(r.release) || REVISION_SUPPORT.has(o.kind),
  );
}

export function environmentObjects(
  config: ResolvedConfig,
  owner: Owner,
  mode: TrafficMode,
  at: { revisions: RevisionInput[]; weights: Record<string, number>; candidate?: number | undefined },
): KubeObject[] {
  if (at.revisions.length === 0) return [];
  const objects = render(config, owner, at.revisions, at.weights, at.candidate).filter(
    (o) =>
      o.metadata.labels?.[LABEL.release] === undefined &&
      !REVISION_SUPPORT.has(o.kind) &&
      o.kind !== 'Deployment',
  );
  if (mode === 'replicas') noteSplit(objects, owner, at.weights, config.strategy.canary !== undefined);
  return objects;
}
