/** The committed OpenAPI extract: small, labelled with its origin, and fresh when the sources exist. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { extract } from '../../../../scripts/k8s/openapi/extract.ts';

const FILE = new URL('../../../../src/targets/kubernetes/validate/schemas/k8s-1.36.json', import.meta.url);

test('the committed schema is small and says where it comes from', () => {
  assert.ok(statSync(FILE).size < 1.5 * 1024 * 1024, `${statSync(FILE).size} bytes`);
  const file = JSON.parse(readFileSync(FILE, 'utf8'));
  assert.match(file.origin.kubernetes, /^k8s\.io\/kubernetes@v1\.36\./);
  assert.match(file.origin.gatewayApi, /^sigs\.k8s\.io\/gateway-api@v1\./);
});

const go = spawnSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' });
const modcache = go.status === 0 ? go.stdout.trim() : '';
const haveSources =
  modcache !== '' &&
  existsSync(join(modcache, 'k8s.io/kubernetes@v1.36.3/api/openapi-spec/v3')) &&
  existsSync(join(modcache, 'sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard'));

test('the committed schema equals a fresh extraction', {
  skip: !haveSources && 'kubernetes@v1.36.3 or gateway-api@v1.6.3 is not in the Go module cache',
}, () => {
  assert.equal(
    readFileSync(FILE, 'utf8'),
    `${JSON.stringify(extract(modcache))}\n`,
    'run node scripts/k8s/openapi/extract.ts',
  );
});
