// The reference system's conveniences in `ruvector` (its npm package 0.3.x exports
// them): Utils, VectorIndex and the backend-information functions. Defined once here
// and used by every entry: browser.mjs imports this file; index.js (CommonJS) loads
// lib/compat.cjs, which scripts/build-cjs.mjs generates from it (npm pack runs it).
// This file therefore imports nothing and keeps to top-level `export function|const|class`.
//
// Errors carry a stable `.code` and start with it, like the engines' errors:
// bad arguments are TypeError or RangeError with code INVALID_ARGUMENT, vectors of
// different lengths are RangeError with code DIMENSION_MISMATCH.

function codedError(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}

function describeValue(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return v.constructor && v.constructor.name ? `a ${v.constructor.name}` : 'an object';
  return `${typeof v} ${String(v)}`;
}

function numbers(v, what) {
  const ok = Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView) && typeof v.length === 'number');
  if (!ok) throw codedError('INVALID_ARGUMENT', `${what} must be an array of numbers or a typed array, got ${describeValue(v)}`, TypeError);
  return v;
}

function sameLength(a, b) {
  numbers(a, 'the first vector');
  numbers(b, 'the second vector');
  if (a.length !== b.length) {
    throw codedError('DIMENSION_MISMATCH',
      `dimension mismatch: the first vector has dimension ${a.length}, the second has dimension ${b.length}`, RangeError);
  }
}

function positiveInteger(v, what) {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw codedError('INVALID_ARGUMENT', `${what} must be a whole number, got ${describeValue(v)}`, TypeError);
  if (v < 1) throw codedError('INVALID_ARGUMENT', `${what} must be at least 1, got ${v}`, RangeError);
  return v;
}

/**
 * Vector helpers, computed in double precision. Every function that takes two vectors
 * rejects different lengths with a RangeError (code DIMENSION_MISMATCH) whose message
 * names both dimensions.
 */
export const Utils = Object.freeze({
  /** cos(a, b) in [-1, 1]; 0 when either vector is all zeros (never NaN). */
  cosineSimilarity(a, b) {
    sameLength(a, b);
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (let i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    const denom = Math.sqrt(na) * Math.sqrt(nb);
    return denom === 0 ? 0 : dot / denom;
  },
  /** The L2 distance (not squared). */
  euclideanDistance(a, b) {
    sameLength(a, b);
    let s = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      s += d * d;
    }
    return Math.sqrt(s);
  },
  /** A new vector of the same kind (array or typed array) with length 1; a copy when all zeros. */
  normalize(v) {
    numbers(v, 'the vector');
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * v[i];
    const mag = Math.sqrt(s);
    const out = Array.isArray(v) ? new Array(v.length) : new v.constructor(v.length);
    for (let i = 0; i < v.length; i++) out[i] = mag === 0 ? v[i] : v[i] / mag;
    return out;
  },
  /** A random unit vector (number[]) of the given dimension, from Math.random. */
  randomVector(dimension) {
    positiveInteger(dimension, 'dimension');
    const v = new Array(dimension);
    let s = 0;
    do {
      s = 0;
      for (let i = 0; i < dimension; i++) {
        v[i] = Math.random() * 2 - 1;
        s += v[i] * v[i];
      }
    } while (s === 0);
    return Utils.normalize(v);
  },
});

/**
 * Builds the backend-information functions of the reference system's `ruvector`:
 *   backend: {name: 'native' | 'wasm', simdLevel(): string, durable: boolean, browser: boolean}
 *   packageVersion: the ruvector package's version
 *   engineVersion(): the engine's version string
 */
export function createBackendInfo({ backend, packageVersion, engineVersion }) {
  const getImplementationType = () => backend.name;
  const isNative = () => backend.name === 'native';
  return {
    /** 'native' or 'wasm': the backend in use. */
    getImplementationType,
    isNative,
    isWasm: () => backend.name === 'wasm',
    /** Always false: ruvector has no rvf backend (the reference's never worked as one). */
    isRvf: () => false,
    /** True when the native addon is the backend in use (the reference's alias of isNative). */
    isNativeAvailable: isNative,
    /** {version: the ruvector package version, implementation: 'native' | 'wasm'}. */
    getVersion: () => ({ version: packageVersion, implementation: backend.name }),
    /**
     * {type, version, features, engineVersion, simdLevel}: features lists what this
     * backend really provides, e.g. 'SIMD (avx2)', 'Durable storage', 'Multi-threading'.
     */
    getBackendInfo() {
      const simd = backend.simdLevel();
      const features = [];
      features.push(simd === 'scalar' ? 'Scalar kernels (no SIMD)' : `SIMD (${simd})`);
      features.push('HNSW index', 'Exact (flat) index', 'Metadata filters', 'Portable snapshots');
      if (backend.name === 'native') features.push('Durable storage', 'Multi-threading');
      else features.push('Browser-compatible', 'Cross-platform');
      if (backend.browser) features.push('IndexedDB persistence');
      return { type: backend.name, version: packageVersion, features, engineVersion: engineVersion(), simdLevel: simd };
    },
  };
}

/**
 * Builds the reference system's VectorIndex class over a VectorDb class:
 *   VectorDb: the backend's class (needs insert, insertBatch, search, get, delete,
 *     len, info, serialize, close, static deserialize)
 *   store: where save/load put the snapshot bytes: {save(db, target), load(VectorDb, target)}
 *     (a file path in Node, an IndexedDB name in browsers)
 */
export function createVectorIndexClass({ VectorDb, store }) {
  const KINDS = { hnsw: 'hnsw', flat: 'flat', exact: 'flat', bruteforce: 'flat' };

  function settings(opts) {
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts))
      throw codedError('INVALID_ARGUMENT', `VectorIndex expects options such as {dimension: 128, metric: 'cosine'}, got ${describeValue(opts)}`, TypeError);
    const dim = opts.dimension !== undefined ? opts.dimension : opts.dimensions;
    if (dim === undefined) throw codedError('INVALID_ARGUMENT', 'VectorIndex: dimension is required, e.g. {dimension: 128}', TypeError);
    const s = { dimensions: positiveInteger(dim, 'dimension') };
    if (opts.metric !== undefined && opts.metric !== null) s.metric = opts.metric;
    if (opts.indexType !== undefined && opts.indexType !== null) {
      const kind = typeof opts.indexType === 'string' ? KINDS[opts.indexType.toLowerCase()] : undefined;
      if (!kind) throw codedError('INVALID_ARGUMENT', `VectorIndex: indexType must be 'hnsw' or 'flat', got ${describeValue(opts.indexType)}`, RangeError);
      s.index = kind;
    }
    return s;
  }

  function entryOf(e, what) {
    if (typeof e !== 'object' || e === null) throw codedError('INVALID_ARGUMENT', `${what} must be {id?, values, metadata?}, got ${describeValue(e)}`, TypeError);
    const vector = e.values !== undefined ? e.values : e.vector;
    if (vector === undefined) throw codedError('INVALID_ARGUMENT', `${what}: values is required (an array of numbers)`, TypeError);
    const out = { vector };
    if (e.id !== undefined && e.id !== null) out.id = e.id;
    if (e.metadata !== undefined && e.metadata !== null) out.metadata = e.metadata;
    return out;
  }

  /**
   * An index in memory with the reference system's test-suite API. save(path) writes a
   * portable snapshot (readable by either backend); load(path) reads one back.
   */
  class VectorIndex {
    #db;
    #settings;

    /** new VectorIndex({dimension, metric = 'cosine', indexType = 'hnsw'}) */
    constructor(opts) {
      this.#settings = settings(opts);
      this.#db = new VectorDb({ ...this.#settings });
    }

    /** The underlying VectorDb (for the full API). */
    get db() {
      return this.#db;
    }

    get dimension() {
      return this.#settings.dimensions;
    }

    /** insert({id?, values, metadata?}) -> the id. */
    async insert(entry) {
      return this.#db.insert(entryOf(entry, 'entry'));
    }

    /**
     * insertBatch(entries, {batchSize = all, progressCallback(fraction)}) -> ids in order.
     * Each batch is all or nothing; batches before a failing one stay inserted.
     */
    async insertBatch(entries, opts = {}) {
      if (!Array.isArray(entries)) throw codedError('INVALID_ARGUMENT', `insertBatch expects an array of entries, got ${describeValue(entries)}`, TypeError);
      const o = opts === undefined || opts === null ? {} : opts;
      const batchSize = o.batchSize === undefined ? Math.max(entries.length, 1) : positiveInteger(o.batchSize, 'batchSize');
      const progress = o.progressCallback;
      if (progress !== undefined && typeof progress !== 'function')
        throw codedError('INVALID_ARGUMENT', `progressCallback must be a function, got ${describeValue(progress)}`, TypeError);
      const mapped = entries.map((e, i) => entryOf(e, `entry ${i}`));
      const ids = [];
      for (let i = 0; i < mapped.length; i += batchSize) {
        const got = await this.#db.insertBatch(mapped.slice(i, i + batchSize));
        for (const id of got) ids.push(id);
        if (progress) progress(Math.min((i + batchSize) / mapped.length, 1));
      }
      return ids;
    }

    /** search(query, {k = 10, filter?, efSearch?}) -> hits as VectorDb.search returns them. */
    async search(query, opts = {}) {
      const o = opts === undefined || opts === null ? {} : opts;
      const q = { vector: query, k: o.k === undefined ? 10 : o.k };
      if (o.filter !== undefined) q.filter = o.filter;
      if (o.efSearch !== undefined) q.efSearch = o.efSearch;
      return this.#db.search(q);
    }

    /** {id, values: number[], metadata?} or null. */
    async get(id) {
      const r = await this.#db.get(id);
      if (!r) return null;
      const out = { id: r.id, values: Array.from(r.vector) };
      if (r.metadata !== undefined && r.metadata !== null) out.metadata = r.metadata;
      return out;
    }

    async delete(id) {
      return this.#db.delete(id);
    }

    /** {vectorCount, dimension, metric, indexType, memoryBytes}. */
    async stats() {
      const i = await this.#db.info();
      return { vectorCount: i.count, dimension: i.dimensions, metric: i.metric, indexType: i.index, memoryBytes: i.memoryBytes };
    }

    /** Removes every vector (a new empty index with the same settings). */
    async clear() {
      const old = this.#db;
      this.#db = new VectorDb({ ...this.#settings });
      await old.close();
    }

    /**
     * Resolves once every earlier call has finished. There is nothing to rebuild: the
     * HNSW graph is maintained on every insert and delete.
     */
    async optimize() {
      await this.#db.len();
    }

    /** Writes a snapshot of the index to `path` (replacing the file atomically); resolves to the byte count. */
    async save(path) {
      return store.save(this.#db, path);
    }

    /**
     * Replaces this index's contents with the snapshot at `path`. The snapshot's
     * dimension must equal this index's (else DIMENSION_MISMATCH, index unchanged); its
     * metric and index kind are adopted.
     */
    async load(path) {
      const loaded = await store.load(VectorDb, path);
      const info = await loaded.info();
      if (info.dimensions !== this.#settings.dimensions) {
        await loaded.close();
        throw codedError('DIMENSION_MISMATCH', `dimension mismatch: ${String(path)} holds vectors of dimension ${info.dimensions}, ` +
          `this index has dimension ${this.#settings.dimensions}`, RangeError);
      }
      const old = this.#db;
      this.#db = loaded;
      this.#settings = { dimensions: info.dimensions, metric: info.metric, index: info.index };
      await old.close();
    }

    /** A new VectorIndex with the settings and contents of the snapshot at `path`. */
    static async load(path) {
      const loaded = await store.load(VectorDb, path);
      const info = await loaded.info();
      const index = new VectorIndex({ dimension: info.dimensions, metric: info.metric, indexType: info.index });
      const empty = index.#db;
      index.#db = loaded;
      await empty.close();
      return index;
    }

    /** Releases the index's memory; later calls fail. */
    async close() {
      await this.#db.close();
    }
  }
  return VectorIndex;
}
