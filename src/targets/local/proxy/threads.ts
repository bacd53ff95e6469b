/**
 * Where the proxy's event loops run: in the caller's thread, or in worker threads that share the listen
 * port through SO_REUSEPORT (the kernel spreads connections over them). Both look the same to the owner.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { CounterWriter } from './counters.ts';
import { RoutesReader } from './shared-routes.ts';
import { ProxyThread, type ThreadOptions } from './thread.ts';
import type { FromWorker, ToWorker, WorkerData } from './worker.ts';

export interface ThreadHandle {
  listen(host: string, port: number): Promise<number>;
  close(graceMs: number): Promise<void>;
}

export interface SharedBuffers {
  options: ThreadOptions;
  routes: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  slots: number;
}

export function inCallerThread(shared: SharedBuffers): ThreadHandle {
  const thread = new ProxyThread(
    shared.options,
    new RoutesReader(shared.routes),
    new CounterWriter(shared.counters, 0, shared.slots, shared.options.latencyBoundMs),
  );
  return {
    listen: (host, port) => thread.listen(host, port, false),
    close: (graceMs) => thread.close(graceMs),
  };
}

// Runs from source (.ts, type stripping) and from the build (.js) alike.
const WORKER_URL = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

export function inWorkerThread(shared: SharedBuffers, index: number): ThreadHandle {
  const data: WorkerData = { ...shared, thread: index };
  const worker = new Worker(WORKER_URL, { workerData: data, name: `slipway-proxy-${index}` });
  const exited = once(worker, 'exit');
  const reply = async (): Promise<FromWorker> => {
    const [message] = (await Promise.race([once(worker, 'message'), exited.then(() => [undefined])])) as [
      FromWorker | undefined,
    ];
    if (message === undefined) throw new Error(`proxy worker ${index} exited unexpectedly`);
    return message;
  };
  const send = (message: ToWorker) => worker.postMessage(message);
  return {
    async listen(host, port) {
      send({ type: 'listen', host, port });
      const message = await reply();
      if (message.type !== 'listening') {
        await worker.terminate();
        throw new Error(
          `proxy could not listen on ${host}:${port}: ${'message' in message ? message.message : message.type}`,
        );
      }
      return message.port;
    },
    async close(graceMs) {
      send({ type: 'close', graceMs });
      const done = setTimeout(() => void worker.terminate(), graceMs + 2000);
      await exited;
      clearTimeout(done);
    },
  };
}
