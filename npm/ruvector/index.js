'use strict';
// ruvector for Node: the ruvector vector database through the first backend that
// loads, native (@ruvector/core) then WebAssembly (@ruvector/wasm); see lib/backend.js.
// RUVECTOR_BACKEND=native|wasm forces one (read once, when this module loads).
//
// The VectorDb class is the backend's own class, re-exported unchanged: both packages
// implement the same API and options (docs/js-contract.md), so code runs on either without changes.
// When no backend loads, requiring this module throws an Error with code UNSUPPORTED
// that lists what was tried and the commands that fix it. Nothing is printed.
const { selectBackend, unsupportedError } = require('./lib/backend.js');
const { Utils, createBackendInfo, createVectorIndexClass } = loadCompat();
const snapshotFiles = require('./lib/snapshot-file.js');
const { ClusterVectorDb, isClusterOptions } = require('./lib/redis-cluster.js');

// lib/compat.cjs is generated from lib/compat.mjs (scripts/build-cjs.mjs, run by npm
// pack); a checkout without it loads the ES module directly (Node >= 20.19 / 22.12).
function loadCompat() {
  try {
    return require('./lib/compat.cjs');
  } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e;
    return require('./lib/compat.mjs');
  }
}

const selection = selectBackend({ require });
if (!selection.backend) throw unsupportedError(selection);

const backend = selection.backend;
const m = backend.module;

/**
 * Which backend is in use: {name: 'native' | 'wasm', reason, simdLevel, version}, plus
 * diagnostics: package, packageVersion, path (the .node or .wasm file), tried (the
 * backends that failed before it, with their errors).
 */
function getBackend() {
  return {
    name: backend.name,
    reason: backend.reason,
    simdLevel: m.simdLevel(),
    version: m.version(),
    package: backend.package,
    packageVersion: backend.packageVersion,
    path: backend.path,
    tried: selection.tried.map(({ name, package: pkg, error }) => ({ name, package: pkg, error })),
  };
}

/**
 * Resolves once the engine is loaded (the wasm module is compiled on first use; the
 * native addon is loaded already), with getBackend(). Optional: every method waits.
 */
async function ready() {
  if (backend.name === 'wasm') await m.ready();
  return getBackend();
}

/**
 * The backend's VectorDb, plus one more form: `new VectorDb({redis: {nodes}, index, ...})`
 * (and `VectorDb.open` of the same options) is a ClusterVectorDb, one logical index over a
 * Redis Cluster running ruvector-redis.so (lib/redis-cluster.js, docs/scale-out.md).
 */
const VectorDb = new Proxy(m.VectorDb, {
  construct(target, args, newTarget) {
    if (isClusterOptions(args[0])) return new ClusterVectorDb(args[0]);
    return Reflect.construct(target, args, newTarget === VectorDb ? target : newTarget);
  },
  get(target, prop, receiver) {
    if (prop === 'open') return (...args) => (isClusterOptions(args[0]) ? ClusterVectorDb.open(args[0]) : target.open(...args));
    return Reflect.get(target, prop, receiver);
  },
});

const native = backend.name === 'native';
/** What this backend offers: durable storagePath (native), IndexedDB (browsers), engine threads (native). */
const capabilities = Object.freeze({
  backend: backend.name,
  durable: native,
  indexedDB: !native && typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null,
  threads: native,
  hnsw: true,
  wasm: !native,
});

const info = createBackendInfo({
  backend: { name: backend.name, simdLevel: () => m.simdLevel(), browser: false },
  packageVersion: require('./package.json').version,
  engineVersion: () => m.version(),
});

module.exports = {
  VectorDb,
  VectorDB: VectorDb,
  ClusterVectorDb,
  /** The engine version, e.g. "0.1.0". */
  version: () => m.version(),
  /** The active distance kernels: 'avx512' | 'avx2' | 'scalar' | 'neon' (native), 'simd128' | 'scalar' (wasm). */
  simdLevel: () => m.simdLevel(),
  getBackend,
  ready,
  capabilities,
  // The reference system's conveniences (lib/compat.mjs).
  ...info,
  Utils,
  /** The reference system's index class; save(path)/load(path) use snapshot files. */
  VectorIndex: createVectorIndexClass({ VectorDb: m.VectorDb, store: snapshotFiles }),
};
// The engine's record formats (import/export files) of the backend in use, for the
// `ruvector` command (lib/cli); not public API. Synchronous; after ready().
Object.defineProperty(module.exports, 'records', { value: m.records, enumerable: false });
