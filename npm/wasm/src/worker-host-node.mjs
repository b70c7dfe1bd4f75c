// worker_threads script for @ruvector/wasm/worker in Node (started by worker-node.mjs).
import { parentPort, workerData } from 'node:worker_threads';
import api from './node.mjs';
import { serve } from './worker-host-core.mjs';

if (workerData && workerData.backend) api.setBackend(workerData.backend);
serve(api, {
  onMessage: (fn) => parentPort.on('message', fn),
  post: (msg, transfer) => parentPort.postMessage(msg, transfer),
});
