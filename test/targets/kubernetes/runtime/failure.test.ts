import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import {
  deploymentFailure,
  podFailure,
  recentWarnings,
  revisionFailure,
} from '../../../../src/targets/kubernetes/runtime/failure.ts';

const pod = (name: string, status: V1Pod['status']): V1Pod => ({ metadata: { name }, status });
const waiting = (reason: string, message?: string): V1Pod['status'] => ({
  containerStatuses: [
    {
      name: 'app',
      image: 'x',
      imageID: '',
      ready: false,
      restartCount: 3,
      state: { waiting: { reason, message } },
    },
  ],
});
const event = (pod: string, reason: string, message: string, at: string, type = 'Warning'): CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: 'Pod', name: pod },
  reason,
  message,
  type,
  lastTimestamp: new Date(at),
});

describe('podFailure', () => {
  const cases: [string, V1Pod['status'], RegExp | undefined][] = [
    [
      'crash loop',
      waiting('CrashLoopBackOff', 'back-off 40s'),
      /container app CrashLoopBackOff: back-off 40s/,
    ],
    ['image pull', waiting('ImagePullBackOff'), /ImagePullBackOff/],
    ['err image pull', waiting('ErrImagePull'), /ErrImagePull/],
    ['still creating', waiting('ContainerCreating'), undefined],
    [
      'oom killed',
      {
        containerStatuses: [
          {
            name: 'app',
            image: 'x',
            imageID: '',
            ready: false,
            restartCount: 1,
            lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } },
            state: { running: {} },
          },
        ],
      },
      /OOMKilled \(exit code 137\)/,
    ],
    [
      'unschedulable',
      {
        conditions: [
          { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes' },
        ],
      },
      /cannot be scheduled: 0\/3 nodes/,
    ],
    ['pending, not yet judged', { conditions: [{ type: 'PodScheduled', status: 'True' }] }, undefined],
  ];
  for (const [name, status, want] of cases) {
    test(name, () => {
      const got = podFailure(pod('hello-r2-abc', status));
      if (want === undefined) assert.equal(got, undefined);
      else assert.match(got ?? '', want);
    });
  }
});

test('deploymentFailure: ProgressDeadlineExceeded only', () => {
  const d = (reason: string, status: string): V1Deployment => ({
    metadata: { name: 'hello-r2' },
    status: { conditions: [{ type: 'Progressing', status, reason, message: 'ReplicaSet has timed out' }] },
  });
  assert.match(
    deploymentFailure(d('ProgressDeadlineExceeded', 'False')) ?? '',
    /exceeded its progress deadline/,
  );
  assert.equal(deploymentFailure(d('ReplicaSetUpdated', 'True')), undefined);
});

test('recentWarnings: only warnings about these pods, newest three in time order', () => {
  const events = [
    event('a', 'FailedScheduling', 'one', '2026-01-01T00:00:01Z'),
    event('a', 'FailedScheduling', 'four', '2026-01-01T00:00:04Z'),
    event('other', 'BackOff', 'not mine', '2026-01-01T00:00:05Z'),
    event('a', 'Scheduled', 'normal', '2026-01-01T00:00:06Z', 'Normal'),
    event('a', 'FailedScheduling', 'two', '2026-01-01T00:00:02Z'),
    event('a', 'FailedScheduling', 'three', '2026-01-01T00:00:03Z'),
  ];
  assert.deepEqual(recentWarnings(events, new Set(['a'])), [
    'FailedScheduling: two',
    'FailedScheduling: three',
    'FailedScheduling: four',
  ]);
});

test('revisionFailure quotes the pod events', () => {
  const d: V1Deployment = { metadata: { name: 'hello-r2' } };
  const pods = [pod('p1', waiting('ImagePullBackOff', 'Back-off pulling image'))];
  const why = revisionFailure(d, pods, [event('p1', 'Failed', 'manifest unknown', '2026-01-01T00:00:00Z')]);
  assert.equal(
    why,
    'pod p1: container app ImagePullBackOff: Back-off pulling image; events: Failed: manifest unknown',
  );
  assert.equal(revisionFailure(d, [pod('p2', waiting('ContainerCreating'))], []), undefined);
});
