// Entry for browsers, bundlers, module workers and other ESM runtimes without fs.
// The .wasm is resolved with new URL('../dist/<name>.wasm', import.meta.url), a form
// bundlers (webpack 5, Vite, Rollup, esbuild with a loader) recognise as an asset.
//
// Backend choice: simd128 when WebAssembly.validate accepts a SIMD probe, else the
// baseline build. Force the baseline with globalThis.RUVECTOR_WASM_FORCE_BASELINE = true
// (or RUVECTOR_WASM_BACKEND = 'baseline' | 'simd'), or call setBackend() before use.
// configure({wasmUrl, wasmBinary}) overrides where the .wasm comes from.
import { createApi } from './api.mjs';

let override = {};

const platform = {
  async load(variant) {
    const simd = variant === 'simd';
    const { default: create } = simd ? await import('../dist/ruvector-simd.mjs') : await import('../dist/ruvector.mjs');
    const url = simd ? new URL('../dist/ruvector-simd.wasm', import.meta.url) : new URL('../dist/ruvector.wasm', import.meta.url);
    const opts = {};
    const src = override[variant] || {};
    if (src.wasmBinary) opts.wasmBinary = src.wasmBinary;
    const href = src.wasmUrl ? String(src.wasmUrl) : url.href;
    opts.locateFile = () => href;
    return create(opts);
  },
  defaultBackend() {
    const g = globalThis;
    if (g.RUVECTOR_WASM_FORCE_BASELINE) return 'baseline';
    if (typeof g.RUVECTOR_WASM_BACKEND === 'string') return g.RUVECTOR_WASM_BACKEND;
    return 'auto';
  },
};

const api = createApi(platform);

/**
 * Where to load each variant's .wasm from, for hosts that move the files:
 * configure({simd: {wasmUrl}, baseline: {wasmUrl}}) or {simd: {wasmBinary}}.
 * Call before the first database is created.
 */
export function configure(options = {}) {
  override = { ...override, ...options };
}

api.configure = configure;

export const {
  VectorDb, VectorDB, init, version, simdLevel, detectSIMD, ready, setBackend, getBackend, memoryBytes, benchmark,
  listIndexedDB, deleteIndexedDB, arrayToFloat32Array, wasmSimdSupported, capabilities,
} = api;
// The default export is `init` (as the reference's `import init from '@ruvector/wasm'`),
// carrying the whole API as properties.
export default api;
