// The integration tests' configs are valid and render into objects the strict validator accepts,
// so a skipped cluster suite still has its inputs checked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderEnvironment } from '../../../../src/targets/kubernetes/render/index.ts';
import { formatReport, validateObjects } from '../../../../src/targets/kubernetes/validate/index.ts';
import { BLUE_GREEN, CANARY, digest, GATEWAY, makeConfig } from './support.ts';

for (const [name, strategy, kubernetes] of [
  ['canary with a gateway', CANARY, GATEWAY],
  ['blue-green', BLUE_GREEN, ''],
] as const) {
  test(`${name}: the test config renders and validates`, () => {
    const config = makeConfig({ namespace: 't-ns', strategy, kubernetes });
    const objects = renderEnvironment(config, {
      environment: 'production',
      revisions: [
        { release: 1, digest: digest('a'), replicas: 2 },
        { release: 2, digest: digest('b'), replicas: 1 },
      ],
      traffic: { weights: { '1': 80, '2': 20 }, stable: 1, preview: 2 },
    });
    const report = validateObjects(objects, config.kubernetes.waivers ?? []);
    assert.ok(report.ok, formatReport(report));
  });
}
