/**
 * `changes()`: watches on the environment's Deployments and Pods (by label) and the namespace's Pod
 * Events (Events carry no labels; they are matched by the involved pod's name), merged into one
 * stream of wake-ups. A watch that ends or fails is restarted after a short backoff, so a dropped
 * connection costs a late wake-up, never a stuck engine (the engine also has its own timer).
 */
import { type KubeConfig, Watch } from '@kubernetes/client-node';

export interface WatchSpec {
  /** API path of the collection, e.g. `/apis/apps/v1/namespaces/ns/deployments`. */
  path: string;
  query: Record<string, string>;
  /** Only these objects wake the engine (default: all). */
  accept?: (obj: { metadata?: { name?: string }; involvedObject?: { name?: string } }) => boolean;
}

const BACKOFF_MS = [250, 1000, 2000, 5000];

export async function* watchChanges(
  kubeConfig: KubeConfig,
  specs: WatchSpec[],
  signal: AbortSignal,
): AsyncIterable<void> {
  const watch = new Watch(kubeConfig);
  let pending = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    pending = true;
    wake?.();
  };
  const controllers = new Set<AbortController>();
  const timers = new Set<NodeJS.Timeout>();

  const start = (spec: WatchSpec, failures: number) => {
    if (signal.aborted) return;
    let ended = false;
    const restart = () => {
      if (ended || signal.aborted) return;
      ended = true;
      const delay = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] as number;
      const timer = setTimeout(() => {
        timers.delete(timer);
        notify(); // we may have missed something while disconnected
        start(spec, failures + 1);
      }, delay);
      timers.add(timer);
    };
    watch
      .watch(
        spec.path,
        { ...spec.query, allowWatchBookmarks: 'false' },
        (_type, obj) => {
          if (!spec.accept || spec.accept(obj)) notify();
        },
        () => restart(),
      )
      .then(
        (controller) => {
          controllers.add(controller);
          if (signal.aborted) controller.abort();
        },
        () => restart(),
      );
  };

  const stop = () => {
    for (const c of controllers) c.abort();
    for (const t of timers) clearTimeout(t);
    wake?.();
  };
  signal.addEventListener('abort', stop, { once: true });
  for (const spec of specs) start(spec, 0);
  try {
    while (!signal.aborted) {
      if (!pending) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (signal.aborted) return;
      pending = false;
      yield;
    }
  } finally {
    signal.removeEventListener('abort', stop);
    stop();
  }
}
