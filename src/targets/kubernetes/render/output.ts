/**
 * What `slipway render` produces for one format, validated, as data (the CLI only writes it):
 * - `yaml`: one multi-document stream for the environment;
 * - `kustomize`: base + one overlay per kubernetes environment (every one is rendered and validated);
 * - `argo-rollouts`: a Rollout and its Services for the environment.
 * The release is a first release (number 1, the configured size, all traffic) of `digest`.
 */
import type { ResolvedConfig } from '../../../config/index.ts';
import type { KubeObject } from '../objects.ts';
import { type ValidationReport, validateObjects } from '../validate/index.ts';
import { renderArgoRollouts } from './argo.ts';
import { type RenderContext, RenderError, renderEnvironment } from './index.ts';
import { kustomizeTree } from './kustomize.ts';
import { toYamlStream } from './yaml.ts';

export const FORMATS = ['yaml', 'kustomize', 'argo-rollouts'] as const;
export type Format = (typeof FORMATS)[number];

/** Used when no digest is given: obviously fake, valid in form, never pullable. */
export const PLACEHOLDER_DIGEST = `sha256:${'0'.repeat(64)}`;

export interface RenderOutput {
  /** Relative path → content; for `yaml` / `argo-rollouts` one file named after the environment. */
  files: Map<string, string>;
  /** Validation of every environment rendered. */
  reports: { environment: string; report: ValidationReport }[];
  notes: string[];
}

function firstRelease(environment: string, config: ResolvedConfig, digest: string): RenderContext {
  return {
    environment,
    revisions: [{ release: 1, digest, replicas: config.autoscaling?.min ?? config.replicas }],
    traffic: { weights: { '1': 100 } },
  };
}

function checked(environment: string, config: ResolvedConfig, objects: KubeObject[]) {
  return { environment, report: validateObjects(objects, config.kubernetes.waivers ?? []) };
}

export function renderOutput(
  environments: Record<string, ResolvedConfig>,
  environment: string,
  format: Format,
  digest: string,
): RenderOutput {
  const config = environments[environment];
  if (!config)
    throw new RenderError(`no environment ${environment} (have: ${Object.keys(environments).join(', ')})`);
  if (format === 'yaml') {
    const objects = renderEnvironment(config, firstRelease(environment, config, digest));
    return {
      files: new Map([[`${environment}.yaml`, toYamlStream(objects)]]),
      reports: [checked(environment, config, objects)],
      notes: [],
    };
  }
  if (format === 'argo-rollouts') {
    const { objects, notes } = renderArgoRollouts(config, firstRelease(environment, config, digest));
    return {
      files: new Map([[`${environment}.argo-rollouts.yaml`, toYamlStream(objects)]]),
      reports: [checked(environment, config, objects)],
      notes,
    };
  }
  renderEnvironment(config, firstRelease(environment, config, digest)); // refuse a non-kubernetes --env first
  const rendered = Object.entries(environments)
    .filter(([, c]) => c.target === 'kubernetes')
    .map(([name, c]) => ({
      environment: name,
      service: c.service,
      namespace: c.kubernetes.namespace,
      config: c,
      objects: renderEnvironment(c, firstRelease(name, c, digest)),
    }));
  return {
    files: kustomizeTree(rendered),
    reports: rendered.map((r) => checked(r.environment, r.config, r.objects)),
    notes: [],
  };
}
