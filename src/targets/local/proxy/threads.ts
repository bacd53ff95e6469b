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

/**
 * A worker thread serving the port. If it dies outside `close` (a bug, out of memory), it is replaced
 * on the same port; the other threads keep serving meanwhile. At most 5 replacements a minute, so a
 * crash loop is reported rather than spun.
 */
export function inWorkerThread(
  shared: SharedBuffers,
  index: number,
  onError: (error: Error) => void,
): ThreadHandle {
  const data: WorkerData = { ...shared, thread: index };
  let closing = false;
  let address: { host: string; port: number } | undefined;
  const restarts: number[] = [];

  const spawn = () => {
    const worker = new Worker(WORKER_URL, { workerData: data, name: `slipway-proxy-${index}` });
    const exited = once(worker, 'exit');
    worker.on('error', (error) => onError(new Error(`proxy worker ${index} failed: ${error.message}`)));
    worker.once('exit', (code) => {
      if (closing || address === undefined) return;
      const now = Date.now();
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length >= 5) {
        onError(
          new Error(`proxy worker ${index} exited (code ${code}) 5 times in a minute; not restarting it`),
        );
        return;
      }
      restarts.push(now);
      current = spawn();
      current.listen(address.host, address.port).catch(onError);
    });
    const reply = async (): Promise<FromWorker> => {
      const message = await new Promise<FromWorker | undefined>((resolve) => {
        worker.once('message', resolve);
        void exited.then(() => resolve(undefined));
      });
      if (message === undefined) throw new Error(`proxy worker ${index} exited before it could listen`);
      return message;
    };
    return {
      async listen(host: string, port: number): Promise<number> {
        worker.postMessage({ type: 'listen', host, port } satisfies ToWorker);
        const message = await reply();
        if (message.type !== 'listening') {
          await worker.terminate();
          throw new Error(
            `proxy could not listen on ${host}:${port}: ${'message' in message ? message.message : message.type}`,
          );
        }
        address = { host, port: message.port };
        return message.port;
      },
      async close(graceMs: number): Promise<void> {
        worker.postMessage({ type: 'close', graceMs } satisfies ToWorker);
        const done = setTimeout(() => void worker.terminate(), graceMs + 2000);
        await exited;
        clearTimeout(done);
      },
    };
  };

  let current = spawn();
  return {
    listen: (host, port) => current.listen(host, port),
    close: (graceMs) => {
      closing = true;
      return current.close(graceMs);
    },
  };
}
