'use strict';
// @ruvector/core: the ruvector engine as a Node-API native addon.
//
// The binary is found by node-gyp-build: build/Release/ruvector.node after a source
// build (`npm run build`), else prebuilds/<platform>-<arch>/*.node shipped in the
// package. The class below only routes calls to the native database (marshalling
// and every check live in the addon and the engine; see README.md).

// RUVECTOR_NODE_BINARY: load this .node file instead (sanitizer and debug builds).
const binding = process.env.RUVECTOR_NODE_BINARY
  ? require(require('path').resolve(process.env.RUVECTOR_NODE_BINARY))
  : require('node-gyp-build')(__dirname);

const INTERNAL = Symbol('ruvector.internal');

// Raw hits from the addon ([ids, Float64Array scores, vectors?, metadata?]) -> result
// objects. Building small objects is much faster in JS than through Node-API.
function toHits(raw) {
  const ids = raw[0];
  const scores = raw[1];
  const vectors = raw[2];
  const metadata = raw[3];
  const n = ids.length;
  const out = new Array(n);
  if (vectors === undefined && metadata === undefined) {
    for (let i = 0; i < n; i++) out[i] = { id: ids[i], score: scores[i] };
  } else {
    for (let i = 0; i < n; i++) {
      const h = { id: ids[i], score: scores[i] };
      if (vectors !== undefined) h.vector = vectors[i];
      if (metadata !== undefined) h.metadata = metadata[i];
      out[i] = h;
    }
  }
  return out;
}

function toHitLists(raw) {
  return raw.map(toHits);
}

function isObject(x) {
  return typeof x === 'object' && x !== null;
}

// The addon's fast paths return a value (settled on the JS thread), or a Promise (pool
// work), or throw: always hand back a Promise.
function searchVia(n, q) {
  if (!isObject(q)) return n.search(q); // the addon's full path reports the TypeError
  let r;
  try {
    r = n.searchRaw(q.vector, q.k, q.efSearch, q.filter, q.includeVector, q.includeMetadata);
  } catch (e) {
    return Promise.reject(e);
  }
  return r instanceof Promise ? r.then(toHits) : Promise.resolve(toHits(r));
}

function insertVia(n, e) {
  if (!isObject(e)) return n.insert(e);
  let r;
  try {
    r = n.insertRaw(e.id, e.vector, e.metadata);
  } catch (err) {
    return Promise.reject(err);
  }
  return r instanceof Promise ? r : Promise.resolve(r);
}

function searchBatchVia(n, queries) {
  return n.searchBatch(queries, true).then(toHitLists);
}

class VectorDb {
  #native = null; // NativeDb once open
  #ready; // Promise<void> settled when the database is open (or failed to open)
  #openError = null;

  /**
   * Opens an in-memory database (no storagePath) synchronously, or starts opening a
   * durable one in the background: calls made before it is open wait for it, and
   * `await db.ready` (or `await VectorDb.open(options)`) surfaces open errors early.
   */
  constructor(options, native) {
    if (options === INTERNAL) {
      this.#native = native;
      this.#ready = Promise.resolve();
      return;
    }
    const r = binding.open(options);
    if (r instanceof binding.NativeDb) {
      this.#native = r;
      this.#ready = Promise.resolve();
    } else {
      this.#ready = r.then(
        (n) => {
          this.#native = n;
        },
        (e) => {
          this.#openError = e;
          throw e;
        },
      );
      this.#ready.catch(() => {}); // reported by the calls (and by `ready`), not as unhandled
    }
  }

  /** Resolves when the database is open; rejects with the open error (e.g. code LOCKED). */
  get ready() {
    return this.#ready.then(() => this);
  }

  /** Opens a database and resolves once it is open (useful for storagePath). */
  static async open(options) {
    const db = new VectorDb(options);
    await db.#ready;
    return db;
  }

  /** Reference-system compatibility: an in-memory HNSW database with default settings. */
  static withDimensions(dimensions) {
    return new VectorDb({ dimensions });
  }

  /** A new in-memory database (or durable, with options.storagePath) from serialize() bytes. */
  static async deserialize(bytes, options) {
    const native = await binding.deserialize(bytes, options);
    return new VectorDb(INTERNAL, native);
  }

  #later(call) {
    if (this.#openError) return Promise.reject(this.#openError);
    return this.#ready.then(() => call(this.#native));
  }

  insert(entry) {
    const n = this.#native;
    return n !== null ? insertVia(n, entry) : this.#later((m) => insertVia(m, entry));
  }
  insertBatch(entries) {
    const n = this.#native;
    return n !== null ? n.insertBatch(entries) : this.#later((m) => m.insertBatch(entries));
  }
  search(query) {
    const n = this.#native;
    return n !== null ? searchVia(n, query) : this.#later((m) => searchVia(m, query));
  }
  searchBatch(queries) {
    const n = this.#native;
    return n !== null ? searchBatchVia(n, queries) : this.#later((m) => searchBatchVia(m, queries));
  }
  get(id) {
    const n = this.#native;
    return n !== null ? n.get(id) : this.#later((m) => m.get(id));
  }
  delete(id) {
    const n = this.#native;
    return n !== null ? n.delete(id) : this.#later((m) => m.delete(id));
  }
  len() {
    const n = this.#native;
    return n !== null ? n.len() : this.#later((m) => m.len());
  }
  isEmpty() {
    const n = this.#native;
    return n !== null ? n.isEmpty() : this.#later((m) => m.isEmpty());
  }
  info() {
    const n = this.#native;
    return n !== null ? n.info() : this.#later((m) => m.info());
  }
  serialize() {
    const n = this.#native;
    return n !== null ? n.serialize() : this.#later((m) => m.serialize());
  }
  checkpoint() {
    const n = this.#native;
    return n !== null ? n.checkpoint() : this.#later((m) => m.checkpoint());
  }

  /**
   * Closes the database: later calls reject with code INVALID_ARGUMENT ("database is
   * closed"). Resolves once in-flight calls have finished and the database is
   * released (a durable database stores its index image and drops its write lock).
   * Idempotent.
   */
  close() {
    const n = this.#native;
    if (n !== null) return n.close();
    return this.#ready.then(
      () => this.#native.close(),
      () => undefined,
    );
  }

  /** True after close(). */
  get closed() {
    return this.#native !== null ? this.#native.closed : false;
  }
}

// The reference system's metric enum (its users pass JsDistanceMetric.Cosine etc.).
const JsDistanceMetric = Object.freeze({
  Euclidean: 'Euclidean',
  Cosine: 'Cosine',
  DotProduct: 'DotProduct',
  Manhattan: 'Manhattan',
});

const { collectionManagerClass } = require('./lib/collections.js');

module.exports = {
  VectorDb,
  VectorDB: VectorDb,
  JsDistanceMetric,
  CollectionManager: collectionManagerClass(VectorDb),
  version: binding.version,
  simdLevel: binding.simdLevel,
  /** Absolute path of the native binary that was loaded (diagnostics). */
  get binaryPath() {
    if (process.env.RUVECTOR_NODE_BINARY) return require('path').resolve(process.env.RUVECTOR_NODE_BINARY);
    return require('node-gyp-build').path(__dirname);
  },
};
