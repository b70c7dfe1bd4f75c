// The shared contract suite against the worker client (worker_threads): every
// database lives in its own worker, behind the same async API.
import { contractSuite } from '../../../tests/js/contract.mjs';

contractSuite('@ruvector/wasm/worker (worker_threads)', async () => {
  const m = await import('@ruvector/wasm');
  const w = await import('@ruvector/wasm/worker');
  await m.ready();
  return { VectorDb: w.WorkerVectorDb, VectorDB: w.WorkerVectorDB, version: m.version, simdLevel: m.simdLevel, capabilities: m.capabilities };
});
