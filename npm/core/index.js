'use strict';
// @ruvector/core: the ruvector engine as a Node-API native addon.
//
// The binary is found by node-gyp-build: build/Release/ruvector.node after a source
// build (`npm run build`), else prebuilds/<platform>-<arch>/*.node shipped in the
// package. The public class comes from the one JS contract (lib/contract.cjs, built from
// npm/contract/contract.mjs): this file only supplies the driver that marshals its calls
// to the addon. See docs/js-contract.md.

// RUVECTOR_NODE_BINARY: load this .node file instead (sanitizer and debug builds).
const binding = process.env.RUVECTOR_NODE_BINARY
  ? require(require('path').resolve(process.env.RUVECTOR_NODE_BINARY))
  : require('node-gyp-build')(__dirname);
const contract = require('./lib/contract.cjs');

binding.setErrorFactory(contract.makeError);

const started = Date.now();

// The addon's methods return a value or a Promise (pool work) and throw coded errors.
const driver = {
  face: { name: '@ruvector/core', durable: true, indexedDB: false },
  open: (engine) => binding.open(JSON.stringify(engine)),
  deserialize: (bytes, engine) => binding.deserialize(bytes, JSON.stringify(engine)),
  insert: (n, id, vector, meta) => n.insert(id, vector, meta),
  insertBatch: (n, ids, vectors, metas) => n.insertBatch(ids, vectors, metas),
  search: (n, vector, k, ef, filter, flags, rescore) => n.search(vector, k, ef, filter, flags, rescore),
  searchBatch: (n, queries) => n.searchBatch(queries),
  get: (n, id) => n.get(id),
  vectorOf: (n, id) => n.vectorOf(id),
  remove: (n, id) => n.delete(id),
  len: (n) => n.len(),
  info: (n) => n.info(),
  serialize: (n) => n.serialize(),
  checkpoint: (n) => n.checkpoint(),
  close: (n) => n.close(),
  simdLevel: () => binding.simdLevel(),
};

const VectorDb = contract.createVectorDbClass(driver);

// The reference system's metric enum (its users pass JsDistanceMetric.Cosine etc.).
const JsDistanceMetric = Object.freeze({
  Euclidean: 'Euclidean',
  Cosine: 'Cosine',
  DotProduct: 'DotProduct',
  Manhattan: 'Manhattan',
});

const { collectionManagerClass } = require('./lib/collections.js');

/** A greeting naming the package and engine version (the reference's smoke-test call). */
function hello() {
  return `Hello from ruvector ${binding.version()} (@ruvector/core native addon, ${binding.simdLevel()} kernels)`;
}

/** {status: 'healthy', version, uptimeSeconds}: the addon is loaded and answering. */
function getHealth() {
  return { status: 'healthy', version: binding.version(), uptimeSeconds: Math.floor((Date.now() - started) / 1000) };
}

/** Process-wide counters of this package's calls in the Prometheus text format. */
function getMetrics() {
  const c = contract.counters;
  const lines = [];
  const metric = (name, help, value) => {
    lines.push(`# HELP ruvector_${name} ${help}`, `# TYPE ruvector_${name} counter`, `ruvector_${name} ${value}`);
  };
  metric('databases_opened_total', 'Databases opened or loaded in this process.', c.databasesOpened);
  metric('vectors_inserted_total', 'Vectors passed to insert and insertBatch.', c.inserts);
  metric('searches_total', 'Search queries (searchBatch counts each query).', c.searches);
  metric('deletes_total', 'delete calls.', c.deletes);
  metric('errors_total', 'Calls that failed with an error.', c.errors);
  lines.push('# HELP ruvector_info Engine version and active kernels.', '# TYPE ruvector_info gauge',
    `ruvector_info{version="${binding.version()}",simd="${binding.simdLevel()}"} 1`);
  return lines.join('\n') + '\n';
}

// The engine's record readers and JSON Lines writer (include/ruvector/record_io.h), for
// the `ruvector` CLI (npm/ruvector/lib/cli); not public API. The same shape as
// @ruvector/wasm's.
const records = {
  /**
   * -> {dimensions, vectors: Float32Array, ids ('' = none), metadata[], positions, lineNumbers}.
   * progress(done, total): optional, called synchronously while the engine reads.
   */
  read(bytes, format, options = {}, progress = undefined) {
    const r = binding.readRecords(bytes, String(format), JSON.stringify(options), progress);
    return { dimensions: r[0], vectors: r[1], ids: r[2], metadata: JSON.parse(r[3]), positions: r[4], lineNumbers: r[5] };
  },
  /** Canonical format name of a name (any case, aliases) or, when isPath, of a file's extension. */
  format: (text, isPath = false) => binding.recordFormat(String(text), !!isPath),
  /** A vector typed on the command line ("[1, 2]" or "1,2") -> Float32Array. */
  parseVectorText: (text) => binding.parseVectorText(String(text)),
  /** Every record of snapshot bytes as JSON Lines (Uint8Array). */
  snapshotToJsonl: (bytes, source = 'snapshot') => binding.snapshotToJsonl(bytes, String(source)),
};

module.exports = {
  VectorDb,
  VectorDB: VectorDb,
  JsDistanceMetric,
  CollectionManager: collectionManagerClass(VectorDb),
  version: binding.version,
  simdLevel: binding.simdLevel,
  hello,
  getHealth,
  getMetrics,
  /** Absolute path of the native binary that was loaded (diagnostics). */
  get binaryPath() {
    if (process.env.RUVECTOR_NODE_BINARY) return require('path').resolve(process.env.RUVECTOR_NODE_BINARY);
    return require('node-gyp-build').path(__dirname);
  },
};
Object.defineProperty(module.exports, 'records', { value: records, enumerable: false });
