// Node platform and the CommonJS entry: scripts/build-cjs.mjs bundles this file with
// api.mjs into dist/index.cjs, so __dirname below is dist/. The Emscripten glue's own
// loader would fetch() a file path under Node 18+, so the .wasm is read with fs and
// passed as wasmBinary.
const fs = require('fs');
const path = require('path');
const { createApi } = require('./api.mjs');
const { createWorkerClient } = require('./worker-client.mjs');

let override = {};

function wasmFile(base) {
  const own = path.join(__dirname, `${base}-node.wasm`);
  return fs.existsSync(own) ? own : path.join(__dirname, `${base}.wasm`);
}

function factoryAndBinary(variant) {
  const simd = variant === 'simd';
  const create = simd ? require('./ruvector-simd-node.cjs') : require('./ruvector-node.cjs');
  const src = override[variant] || {};
  const wasmBinary = src.wasmBinary || fs.readFileSync(src.wasmPath || wasmFile(simd ? 'ruvector-simd' : 'ruvector'));
  return { create, wasmBinary };
}

const platform = {
  load(variant) {
    const { create, wasmBinary } = factoryAndBinary(variant);
    return create({ wasmBinary });
  },
  // Node may compile and instantiate WebAssembly synchronously (browsers forbid it for
  // modules of this size on the main thread): the Emscripten runtime then starts inside
  // the factory call, so databases open (and report open errors) in their constructor.
  loadSync(variant) {
    const { create, wasmBinary } = factoryAndBinary(variant);
    const compiled = new WebAssembly.Module(wasmBinary);
    const moduleArg = {
      instantiateWasm(imports, receiveInstance) {
        const instance = new WebAssembly.Instance(compiled, imports);
        receiveInstance(instance, compiled);
        return instance.exports;
      },
    };
    create(moduleArg).catch(() => {});  // settled already; errors surface below
    if (!moduleArg.calledRun || typeof moduleArg._rv_open !== 'function')
      throw new Error('the WebAssembly runtime did not start synchronously');
    return moduleArg;
  },
  defaultBackend() {
    const env = (typeof process === 'object' && process.env) || {};
    const g = globalThis;
    if (g.RUVECTOR_WASM_FORCE_BASELINE || /^(1|true|yes)$/i.test(env.RUVECTOR_WASM_FORCE_BASELINE || '')) return 'baseline';
    if (typeof g.RUVECTOR_WASM_BACKEND === 'string') return g.RUVECTOR_WASM_BACKEND;
    if (env.RUVECTOR_WASM_BACKEND) return env.RUVECTOR_WASM_BACKEND;
    return 'auto';
  },
};

const api = createApi(platform);
// For worker-node.mjs: the worker client bundled with this same copy of the contract, so its
// results are instances of the same classes as the in-thread VectorDb's (not public API).
Object.defineProperty(api, 'createWorkerClient', { value: createWorkerClient, enumerable: false });
/** configure({simd: {wasmPath | wasmBinary}, baseline: {...}}): call before first use. */
api.configure = (options = {}) => { override = { ...override, ...options }; };
module.exports = api;
// `import init from '@ruvector/wasm'` (the reference's form) gets the callable API.
module.exports.default = api;
