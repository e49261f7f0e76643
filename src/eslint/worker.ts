/**
 * Worker thread of the ESLint plugin: runs the async gathering (gather.ts) and wakes the waiting main
 * thread through a shared counter (see sync-worker.ts).
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { gather, type GatherRequest } from './gather.js';

interface WorkerInput {
  port: MessagePort;
  signal: SharedArrayBuffer;
}

const { port, signal } = workerData as WorkerInput;
const counter = new Int32Array(signal);

port.on('message', (message: { id: number; request: GatherRequest }) => {
  void answer(message.id, message.request);
});

async function answer(id: number, request: GatherRequest): Promise<void> {
  let reply: { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };
  try {
    reply = { id, ok: true, value: await gather(request) };
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}
