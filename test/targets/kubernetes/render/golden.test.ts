/**
 * Golden files for examples/hello: what `slipway render` produces, reviewed like code.
 * `UPDATE_GOLDEN=1 node --test test/targets/kubernetes/render/` rewrites them.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderArgoRollouts } from '../../../../src/targets/kubernetes/render/argo.ts';
import { RenderError, renderEnvironment } from '../../../../src/targets/kubernetes/render/index.ts';
import { toYamlStream } from '../../../../src/targets/kubernetes/render/yaml.ts';
import { CONTEXTS, exampleEnvironments, GOLDEN } from './example.ts';

const envs = await exampleEnvironments();

function golden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  assert.equal(
    actual,
    readFileSync(file, 'utf8'),
    `${name} differs: review the change, then UPDATE_GOLDEN=1`,
  );
}

for (const environment of ['staging', 'production']) {
  test(`${environment} renders as its golden file`, () => {
    const ctx = CONTEXTS[environment]!;
    golden(`${environment}.yaml`, toYamlStream(renderEnvironment(envs[environment]!, ctx)));
  });
}

test('production renders as its argo-rollouts golden file, with notes for what does not map', () => {
  const { objects, notes } = renderArgoRollouts(envs.production!, CONTEXTS.production!);
  golden('production.argo-rollouts.yaml', toYamlStream(objects));
  assert.deepEqual(notes, [
    'canary step 1 (analysis) became a 300s pause: add an Argo AnalysisTemplate to judge it',
    'canary step 3 (analysis) became a 300s pause: add an Argo AnalysisTemplate to judge it',
    'canary step 6 (analysis) became a 600s pause: add an Argo AnalysisTemplate to judge it',
  ]);
});

test('development is a local environment and is refused with the fix', () => {
  assert.throws(
    () => renderEnvironment(envs.development!, { ...CONTEXTS.staging!, environment: 'development' }),
    (err: unknown) =>
      err instanceof RenderError &&
      /environment development uses target local/.test(err.message) &&
      /target: kubernetes/.test(err.message),
  );
});

test('output is deterministic: revision order and repeated runs do not change a byte', () => {
  const ctx = CONTEXTS.production!;
  const once = toYamlStream(renderEnvironment(envs.production!, ctx));
  const reversed = toYamlStream(
    renderEnvironment(envs.production!, { ...ctx, revisions: [...ctx.revisions].reverse() }),
  );
  assert.equal(reversed, once);
});
