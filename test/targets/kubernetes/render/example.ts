/** The example service's config and the fixed revisions the golden files are rendered from. */
import { fileURLToPath } from 'node:url';
import { type ResolvedConfig, validateConfigFile } from '../../../../src/config/index.ts';
import type { RenderContext } from '../../../../src/targets/kubernetes/render/index.ts';

export const EXAMPLE = fileURLToPath(new URL('../../../../examples/hello/slipway.yaml', import.meta.url));
export const GOLDEN = new URL('../golden/', import.meta.url);

export const DIGEST_A = `sha256:${'a1'.repeat(32)}`;
export const DIGEST_B = `sha256:${'b2'.repeat(32)}`;

export async function exampleEnvironments(): Promise<Record<string, ResolvedConfig>> {
  const result = await validateConfigFile(EXAMPLE, {});
  if (!result.ok) throw new Error(`example config is invalid: ${JSON.stringify(result.problems)}`);
  return result.config.environments;
}

/** Staging mid blue-green (r1 stable, r2 in preview); production mid canary (r3 95%, r4 5%). */
export const CONTEXTS: Record<string, RenderContext> = {
  staging: {
    environment: 'staging',
    revisions: [
      { release: 1, digest: DIGEST_A, replicas: 2 },
      { release: 2, digest: DIGEST_B, replicas: 2 },
    ],
    traffic: { weights: { '1': 100 }, stable: 1, preview: 2 },
  },
  production: {
    environment: 'production',
    revisions: [
      { release: 3, digest: DIGEST_A, replicas: 4 },
      { release: 4, digest: DIGEST_B, replicas: 1 },
    ],
    traffic: { weights: { '3': 95, '4': 5 }, stable: 3 },
  },
};
