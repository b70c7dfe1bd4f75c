// @ruvector/wasm/worker for browsers: one database in one module worker.
//   import { createWorkerDb } from '@ruvector/wasm/worker';
//   const db = await createWorkerDb({ dimensions: 384 });
// The worker script is resolved with new URL('./worker-host.mjs', import.meta.url),
// the form bundlers recognise; pass {workerUrl} to start another script.
import { createWorkerClient } from './worker-client.mjs';

function spawn(options = {}) {
  const w = options.workerUrl
    ? new Worker(options.workerUrl, { type: 'module', name: 'ruvector' })
    : new Worker(new URL('./worker-host.mjs', import.meta.url), { type: 'module', name: 'ruvector' });
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => { w.onmessage = (ev) => fn(ev.data); },
    onError: (fn) => {
      w.onerror = (ev) => { ev.preventDefault && ev.preventDefault(); fn(ev.error || new Error(ev.message || 'worker error')); };
      w.onmessageerror = () => fn(new Error('a message from the worker could not be deserialized'));
    },
    terminate: () => w.terminate(),
  };
}

export const { WorkerVectorDb, WorkerVectorDB, createWorkerDb } = createWorkerClient(spawn);
