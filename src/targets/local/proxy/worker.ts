/**
 * Entry point of a proxy worker thread: one more event loop serving the same port (SO_REUSEPORT), reading
 * routes and writing counters through shared memory. It only ever talks to its owner to report where it
 * listens and when it has closed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CounterWriter } from './counters.ts';
import { RoutesReader } from './shared-routes.ts';
import { ProxyThread, type ThreadOptions } from './thread.ts';

export interface WorkerData {
  options: ThreadOptions;
  routes: SharedArrayBuffer;
  counters: SharedArrayBuffer;
  thread: number;
  slots: number;
}

export type ToWorker = { type: 'listen'; host: string; port: number } | { type: 'close'; graceMs: number };
export type FromWorker =
  | { type: 'listening'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'closed' };

const data = workerData as WorkerData;
const port = parentPort!;
const counters = new CounterWriter(data.counters, data.thread, data.slots, data.options.latencyBoundMs);
counters.forgetInFlight(data.slots);
const thread = new ProxyThread(data.options, new RoutesReader(data.routes), counters);
const send = (message: FromWorker) => port.postMessage(message);

port.on('message', (message: ToWorker) => {
  if (message.type === 'listen') {
    thread.listen(message.host, message.port, true).then(
      (bound) => send({ type: 'listening', port: bound }),
      (error: Error) => send({ type: 'failed', message: error.message }),
    );
  } else {
    void thread.close(message.graceMs).then(() => {
      send({ type: 'closed' });
      port.close();
    });
  }
});
