// @ruvector/wasm/worker for Node: the same client over worker_threads.
// Worker options: {backend: 'simd' | 'baseline'} forces the module variant in the worker.
import { Worker } from 'node:worker_threads';
import api from '../dist/index.cjs';

// The CommonJS build's worker client: the same contract classes as require('@ruvector/wasm').
const { createWorkerClient } = api;

function spawn(options = {}) {
  const w = new Worker(options.workerUrl || new URL('./worker-host-node.mjs', import.meta.url), {
    workerData: { backend: options.backend || null },
  });
  w.unref();
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer),
    onMessage: (fn) => w.on('message', fn),
    onError: (fn) => {
      w.on('error', fn);
      w.on('exit', (code) => fn(new Error(`worker exited with code ${code}`)));
    },
    terminate: () => w.terminate(),
    ref: () => w.ref(),
    unref: () => w.unref(),
  };
}

export const { WorkerVectorDb, WorkerVectorDB, createWorkerDb } = createWorkerClient(spawn);
