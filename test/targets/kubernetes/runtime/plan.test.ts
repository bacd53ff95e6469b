import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects } from '../../../../src/targets/kubernetes/plan.ts';

const live = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'c', resourceVersion: '42', uid: 'u', managedFields: [{ manager: 'slipway' }] },
  data: { a: '1' },
};

test('server noise (resourceVersion, managedFields, status) is not a change', () => {
  const next = { ...live, metadata: { ...live.metadata, resourceVersion: '43' }, status: {} };
  assert.deepEqual(diffObjects('ConfigMap/c', live, next), {
    ref: 'ConfigMap/c',
    action: 'unchanged',
    diff: '',
  });
});

test('an update is a unified YAML diff naming the object', () => {
  const change = diffObjects('ConfigMap/c', live, { ...live, data: { a: '2' } });
  assert.equal(change.action, 'update');
  assert.match(change.diff, /--- live\/ConfigMap\/c/);
  assert.match(change.diff, /-\s+a: "1"\n\+\s+a: "2"/);
});

test('create and delete', () => {
  assert.equal(diffObjects('ConfigMap/c', undefined, live).action, 'create');
  assert.equal(diffObjects('ConfigMap/c', live, undefined).action, 'delete');
});
