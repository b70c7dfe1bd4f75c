'use strict';
// @ruvector/core: the ruvector engine as a Node-API native addon.
//
// The binary is found by node-gyp-build: build/Release/ruvector.node after a source
// build (`npm run build`), else prebuilds/<platform>-<arch>/*.node shipped in the
// package. The class below only routes calls to the native database (marshalling
// and every check live in the addon and the engine; see README.md).

const binding = require('node-gyp-build')(__dirname);

const INTERNAL = Symbol('ruvector.internal');

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
    return n !== null ? n.insert(entry) : this.#later((m) => m.insert(entry));
  }
  insertBatch(entries) {
    const n = this.#native;
    return n !== null ? n.insertBatch(entries) : this.#later((m) => m.insertBatch(entries));
  }
  search(query) {
    const n = this.#native;
    return n !== null ? n.search(query) : this.#later((m) => m.search(query));
  }
  searchBatch(queries) {
    const n = this.#native;
    return n !== null ? n.searchBatch(queries) : this.#later((m) => m.searchBatch(queries));
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

module.exports = {
  VectorDb,
  VectorDB: VectorDb,
  version: binding.version,
  simdLevel: binding.simdLevel,
  /** Absolute path of the native binary that was loaded (diagnostics). */
  get binaryPath() {
    return require('node-gyp-build').path(__dirname);
  },
};
