/** What every render module receives: the resolved environment plus derived names and flags. */
import type { ResolvedConfig } from '../../../config/index.ts';
import type { Owner } from '../objects.ts';

export interface RevisionInput {
  /** Release number (per environment, 1, 2, 3…). */
  release: number;
  /** Image digest, `sha256:<64 hex>`; the image is `<artifact.image>@<digest>`. */
  digest: string;
  /** Desired replicas of this revision's Deployment. */
  replicas: number;
  /**
   * The resolved config this release was made with (from history). Its pod template and ConfigMap
   * come from it, so a running stable revision keeps its own env and probes while a candidate with
   * a changed config runs beside it. Defaults to the environment's config.
   */
  config?: ResolvedConfig;
}

export interface TrafficInput {
  /** Release number (as string) → percent of traffic; used for HTTPRoute backend weights. */
  weights: Record<string, number>;
  /** Release the stable Service selects (blue-green switch); defaults to the lowest release. */
  stable?: number;
  /** Release the preview Service selects (blue-green); defaults to the highest release. */
  preview?: number;
}

export interface RenderContext {
  /** Environment name (the key under `environments`). */
  environment: string;
  /** Overrides `env.service` (defaults to it). */
  service?: string;
  /** Running revisions, any order; at least one. */
  revisions: RevisionInput[];
  traffic: TrafficInput;
}

/** Everything derived once from config + context. */
export interface Scope {
  config: ResolvedConfig;
  owner: Owner;
  namespace?: string;
  revisions: RevisionInput[];
  stable: number;
  preview: number;
  weights: Record<string, number>;
  strategy: 'rolling' | 'blue-green' | 'canary';
  /** Rule ids waived in config (render softens what a waiver allows, e.g. the zone spread). */
  waived: ReadonlySet<string>;
}

/** The app port's name on containers and Services. */
export const HTTP = 'http';
/** Service port: clients and routes use 80, the container listens on `config.port`. */
export const SERVICE_PORT = 80;
