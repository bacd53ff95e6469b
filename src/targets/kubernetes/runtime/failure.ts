/**
 * Why a revision will not become ready, read from its Deployment's conditions and its pods' states,
 * with the pods' recent Warning events appended. Pure: the caller lists the objects.
 *
 * Fatal (the engine rolls back at once rather than waiting for the progress deadline):
 * CrashLoopBackOff, ImagePullBackOff / ErrImagePull / InvalidImageName, CreateContainerConfigError,
 * OOMKilled, Unschedulable (FailedScheduling) and the Deployment's ProgressDeadlineExceeded.
 */
import type { CoreV1Event, V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';

const FATAL_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
]);

/** Events quoted per failure: enough to explain, short enough to read. */
const MAX_EVENTS = 3;

function containerFailure(s: V1ContainerStatus): string | undefined {
  const waiting = s.state?.waiting;
  if (waiting?.reason && FATAL_WAITING.has(waiting.reason)) {
    const oom = s.lastState?.terminated?.reason === 'OOMKilled' ? ' (last exit: OOMKilled)' : '';
    return `container ${s.name} ${waiting.reason}${oom}${waiting.message ? `: ${waiting.message}` : ''}`;
  }
  const terminated = s.state?.terminated ?? s.lastState?.terminated;
  if (terminated?.reason === 'OOMKilled') {
    return `container ${s.name} OOMKilled (exit code ${terminated.exitCode}); raise resources.limits.memory`;
  }
  return undefined;
}

/** The first fatal condition of one pod, or undefined while it may still become ready. */
export function podFailure(pod: V1Pod): string | undefined {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const why = containerFailure(s);
    if (why) return `pod ${pod.metadata?.name}: ${why}`;
  }
  const scheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (scheduled?.status === 'False' && scheduled.reason === 'Unschedulable') {
    return `pod ${pod.metadata?.name} cannot be scheduled: ${scheduled.message ?? 'no node fits'}`;
  }
  return undefined;
}

export function deploymentFailure(d: V1Deployment): string | undefined {
  const progressing = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return `Deployment ${d.metadata?.name} exceeded its progress deadline: ${progressing.message ?? ''}`.trim();
  }
  return undefined;
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t ? new Date(t as unknown as string).getTime() : 0;
}

/** The newest Warning events about these pods, oldest first, as `Reason: message` lines. */
export function recentWarnings(events: CoreV1Event[], podNames: ReadonlySet<string>): string[] {
  return events
    .filter((e) => e.type === 'Warning' && podNames.has(e.involvedObject?.name ?? ''))
    .sort((a, b) => eventTime(a) - eventTime(b))
    .slice(-MAX_EVENTS)
    .map((e) => `${e.reason}: ${(e.message ?? '').trim()}${e.count && e.count > 1 ? ` (×${e.count})` : ''}`);
}

/** Why the revision failed, with its pods' recent events; undefined while it may still succeed. */
export function revisionFailure(d: V1Deployment, pods: V1Pod[], events: CoreV1Event[]): string | undefined {
  const why = pods.map(podFailure).find((w) => w !== undefined) ?? deploymentFailure(d);
  if (!why) return undefined;
  const warnings = recentWarnings(events, new Set(pods.map((p) => p.metadata?.name ?? '')));
  return warnings.length > 0 ? `${why}; events: ${warnings.join('; ')}` : why;
}
