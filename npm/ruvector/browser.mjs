// ruvector for browsers, web workers and bundlers: the WebAssembly backend
// (@ruvector/wasm), the only one that runs outside Node. The same VectorDb class and
// API as in Node, plus IndexedDB persistence (saveToIndexedDB / loadFromIndexedDB).
//
// Bundler-free use needs an import map that names both packages, e.g.
//   { "imports": { "ruvector": "./node_modules/ruvector/browser.mjs",
//                  "@ruvector/wasm": "./node_modules/@ruvector/wasm/src/browser.mjs" } }
// globalThis.RUVECTOR_BACKEND = 'native' before the import is an UNSUPPORTED error
// (there is no native addon in a browser); 'wasm' or unset is fine.
import * as wasm from '@ruvector/wasm';
import { Utils, createBackendInfo, createVectorIndexClass } from './lib/compat.mjs';

const forced = typeof globalThis.RUVECTOR_BACKEND === 'string' ? globalThis.RUVECTOR_BACKEND.trim().toLowerCase() : '';
if (forced && forced !== 'wasm' && forced !== 'auto') {
  const e = new Error(`UNSUPPORTED: RUVECTOR_BACKEND=${globalThis.RUVECTOR_BACKEND}: outside Node, ruvector has only the ` +
    'wasm backend (@ruvector/wasm); remove the setting or set it to wasm');
  e.code = 'UNSUPPORTED';
  throw e;
}

const reason = forced === 'wasm' ? 'RUVECTOR_BACKEND=wasm'
  : 'not Node: @ruvector/wasm is the backend for browsers and workers (the native addon runs only in Node)';

/** {name: 'wasm', reason, simdLevel, version, package}. */
export function getBackend() {
  return { name: 'wasm', reason, simdLevel: wasm.simdLevel(), version: wasm.version(), package: '@ruvector/wasm', tried: [] };
}

/** Resolves once the WebAssembly module is compiled (optional: every method waits), with getBackend(). */
export async function ready() {
  await wasm.ready();
  return getBackend();
}

export const VectorDb = wasm.VectorDb;
export const VectorDB = wasm.VectorDb;
export const version = () => wasm.version();
export const simdLevel = () => wasm.simdLevel();
export const capabilities = Object.freeze({
  backend: 'wasm',
  durable: false,
  indexedDB: typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null,
  threads: false,
  hnsw: true,
  wasm: true,
});
export const { listIndexedDB, deleteIndexedDB, configure } = wasm;

// The reference system's conveniences (lib/compat.mjs). The three packages are
// released with one version, so the engine's version is this package's version.
export const {
  getImplementationType, isNative, isWasm, isRvf, isNativeAvailable, getVersion, getBackendInfo,
} = createBackendInfo({
  backend: { name: 'wasm', simdLevel: () => wasm.simdLevel(), browser: capabilities.indexedDB },
  packageVersion: wasm.version(),
  engineVersion: () => wasm.version(),
});
export { Utils };
/** The reference system's index class; save(name)/load(name) use IndexedDB here. */
export const VectorIndex = createVectorIndexClass({
  VectorDb: wasm.VectorDb,
  store: {
    save: async (db, name) => (await db.saveToIndexedDB(name)).bytes,
    load: (Db, name) => Db.loadFromIndexedDB(name),
  },
});

export default {
  VectorDb, VectorDB, version, simdLevel, getBackend, ready, capabilities, getImplementationType, isNative, isWasm,
  isRvf, isNativeAvailable, getVersion, getBackendInfo, Utils, VectorIndex, listIndexedDB, deleteIndexedDB, configure,
};
