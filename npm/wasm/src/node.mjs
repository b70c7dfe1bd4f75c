// ESM entry for Node: the same instance as require('@ruvector/wasm') (dist/index.cjs),
// so importing and requiring the package share one module and one wasm heap.
import api from '../dist/index.cjs';

export const {
  VectorDb, VectorDB, init, arrayToFloat32Array, version, simdLevel, detectSIMD, ready, setBackend, getBackend, memoryBytes, benchmark,
  listIndexedDB, deleteIndexedDB, wasmSimdSupported, capabilities, configure,
} = api;
export default api;
