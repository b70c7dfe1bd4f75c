// The main-thread side of @ruvector/wasm/worker: one whole database lives in one
// worker; this class offers the same async API as VectorDb and forwards each call.
//
// Wire protocol (structured clone):
//   main -> worker  {id, op, args}                      transfer: packed vector buffers
//   worker -> main  {id, ok: true, value}               transfer: result vectors, snapshot bytes
//                   {id, ok: false, error: {name, message, code}}
// Vectors are copied once into fresh Float32Arrays (a batch into one packed array) and
// their buffers transferred, so the caller's arrays are never detached. Errors are
// rebuilt as the same class (Error / TypeError / RangeError) with the same .code.

import { resolveOptions } from './api.mjs';

function makeError(e) {
  const Ctor = e && e.name === 'TypeError' ? TypeError : e && e.name === 'RangeError' ? RangeError : Error;
  const err = new Ctor(e && e.message ? e.message : String(e));
  if (e && e.code) err.code = e.code;
  return err;
}
function rvError(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}
const closedError = () => rvError('INVALID_ARGUMENT', 'the database is closed; create or load a new one');

function copyVector(v, what) {
  if (v instanceof Float32Array || v instanceof Float64Array) return new Float32Array(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++)
      if (typeof v[i] !== 'number') throw rvError('INVALID_ARGUMENT', `${what}[${i}] must be a number`, TypeError);
    return Float32Array.from(v);
  }
  throw rvError('INVALID_ARGUMENT', `${what} must be a Float32Array or an array of numbers`, TypeError);
}

function packQuery(q, what) {
  if (!q || typeof q !== 'object') throw rvError('INVALID_ARGUMENT', `${what} must be an object like {vector, k}`, TypeError);
  const vector = copyVector(q.vector, `${what === 'query' ? '' : what + '.'}vector`);
  return { msg: { ...q, vector }, transfer: [vector.buffer] };
}

// A connection: the worker plus the table of pending calls. Kept apart from the
// client object so the FinalizationRegistry can terminate a forgotten worker.
function connect(port) {
  const conn = { port, pending: new Map(), next: 1, dead: null };
  port.onMessage((m) => {
    const p = conn.pending.get(m.id);
    if (!p) return;
    conn.pending.delete(m.id);
    if (conn.pending.size === 0 && port.unref) port.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(makeError(m.error));
  });
  port.onError((e) => {
    conn.dead = rvError('IO_ERROR', `the database worker failed: ${e && e.message ? e.message : e}`);
    for (const p of conn.pending.values()) p.reject(conn.dead);
    conn.pending.clear();
  });
  return conn;
}

function call(conn, op, args = [], transfer = []) {
  if (conn.dead) return Promise.reject(conn.dead);
  return new Promise((resolve, reject) => {
    const id = conn.next++;
    conn.pending.set(id, { resolve, reject });
    if (conn.pending.size === 1 && conn.port.ref) conn.port.ref();  // Node: keep the process alive while waiting
    try {
      conn.port.post({ id, op, args }, transfer);
    } catch (e) {
      conn.pending.delete(id);
      reject(rvError('INVALID_ARGUMENT', `cannot send the request to the worker: ${e.message}`, TypeError));
    }
  });
}

/** Builds the WorkerVectorDb class over a way to start a worker: spawn(options) -> port. */
export function createWorkerClient(spawn) {
  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((conn) => conn.port.terminate())
    : null;

  class WorkerVectorDb {
    /**
     * new WorkerVectorDb(options | (dimensions, metric?, useHnsw?), {workerUrl?})
     * The database is created in a new worker; calls made before it is ready wait.
     */
    constructor(options, workerOptions = {}) {
      if (options === WorkerVectorDb._internal) {
        this._init(workerOptions.conn, workerOptions.opened);
        return;
      }
      const args = typeof options === 'number' ? [...arguments].slice(0, 3) : [options];
      const wopts = typeof options === 'number' ? {} : workerOptions || {};
      resolveOptions(args);  // bad options throw here, synchronously, as with VectorDb
      const conn = connect(spawn(wopts));
      this._init(conn, call(conn, 'open', args));
    }

    _init(conn, opened) {
      this._c = conn;
      this._closed = false;
      this._opened = opened.then((info) => { this._info = info; return info; });
      this._opened.catch(() => {});
      if (registry) registry.register(this, conn, this);
    }

    async _call(op, args, transfer) {
      if (this._closed) throw closedError();
      await this._opened;
      return call(this._c, op, args, transfer);
    }

    get dimensions() { return this._info ? this._info.dimensions : undefined; }

    /** Resolves with this database once it is open in its worker. */
    get ready() { return this._opened.then(() => this); }

    /** True after close(). */
    get closed() { return this._closed; }

    /** Nothing to do in memory (parity with @ruvector/core). */
    async checkpoint() { await this._opened; }

    async insert(entry, id, metadata) {
      if (entry instanceof Float32Array || entry instanceof Float64Array || Array.isArray(entry)) entry = { vector: entry, id, metadata };
      if (!entry || typeof entry !== 'object') throw rvError('INVALID_ARGUMENT', 'insert expects {vector, id?, metadata?}', TypeError);
      const vector = copyVector(entry.vector, 'vector');
      return this._call('insert', [{ ...entry, vector }], [vector.buffer]);
    }

    async insertBatch(entries) {
      if (!Array.isArray(entries)) throw rvError('INVALID_ARGUMENT', 'insertBatch expects an array of entries', TypeError);
      let total = 0;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        if (!e || typeof e !== 'object') throw rvError('INVALID_ARGUMENT', `entry ${i}: expected {vector, id?, metadata?}`, TypeError);
        const v = e.vector;
        if (!(v instanceof Float32Array) && !(v instanceof Float64Array) && !Array.isArray(v))
          throw rvError('INVALID_ARGUMENT', `entry ${i}: vector must be a Float32Array or an array of numbers`, TypeError);
        total += v.length;
      }
      const packed = new Float32Array(total);
      const lens = new Uint32Array(entries.length);
      const ids = new Array(entries.length);
      const metas = new Array(entries.length);
      let at = 0;
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i];
        if (Array.isArray(e.vector)) {
          for (let j = 0; j < e.vector.length; j++)
            if (typeof e.vector[j] !== 'number')
              throw rvError('INVALID_ARGUMENT', `entry ${i}: vector[${j}] must be a number`, TypeError);
        }
        packed.set(e.vector, at);
        at += e.vector.length;
        lens[i] = e.vector.length;
        ids[i] = e.id;
        metas[i] = e.metadata;
      }
      return this._call('insertBatch', [{ packed, lens, ids, metas }], [packed.buffer, lens.buffer]);
    }

    async search(...args) {
      let q = args[0];
      if (q instanceof Float32Array || q instanceof Float64Array || Array.isArray(q))
        q = { vector: q, k: args[1] === undefined ? 10 : args[1], filter: args[2], includeVector: true, includeMetadata: true };
      const { msg, transfer } = packQuery(q, 'query');
      return this._call('search', [msg], transfer);
    }

    async searchBatch(queries) {
      if (!Array.isArray(queries)) throw rvError('INVALID_ARGUMENT', 'searchBatch expects an array of queries', TypeError);
      const msgs = [];
      const transfer = [];
      queries.forEach((q, i) => {
        const p = packQuery(q, `query ${i}`);
        msgs.push(p.msg);
        transfer.push(...p.transfer);
      });
      return this._call('searchBatch', [msgs], transfer);
    }

    get(id) { return this._call('get', [id]); }
    delete(id) { return this._call('delete', [id]); }
    len() { return this._call('len', []); }
    isEmpty() { return this._call('isEmpty', []); }
    info() { return this._call('info', []); }
    /** Snapshot bytes (a Uint8Array transferred from the worker). */
    serialize() { return this._call('serialize', []); }
    saveToIndexedDB(name) { return this._call('saveToIndexedDB', [name]); }
    /** {version, simdLevel, backend} of the module running in the worker. */
    runtime() { return this._call('runtime', []); }

    /** Closes the database and terminates its worker. */
    async close() {
      if (this._closed) return;
      this._closed = true;
      if (registry) registry.unregister(this);
      try {
        await this._opened;
        await call(this._c, 'close', []);
      } catch { /* the worker is going away either way */ }
      this._c.port.terminate();
      const err = closedError();
      for (const p of this._c.pending.values()) p.reject(err);
      this._c.pending.clear();
      this._c.dead = err;
    }

    /** A worker database holding a snapshot (bytes are copied, then transferred). */
    static async deserialize(bytes, workerOptions = {}) {
      let b;
      if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes.slice(0));
      else if (ArrayBuffer.isView(bytes)) b = new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      else throw rvError('INVALID_ARGUMENT', 'snapshot bytes must be a Uint8Array, Buffer or ArrayBuffer', TypeError);
      const conn = connect(spawn(workerOptions));
      const db = new WorkerVectorDb(WorkerVectorDb._internal, { conn, opened: call(conn, 'deserialize', [b], [b.buffer]) });
      try { await db._opened; } catch (e) { conn.port.terminate(); throw e; }
      return db;
    }

    /** A worker database loaded from IndexedDB (read inside the worker). */
    static async loadFromIndexedDB(name, workerOptions = {}) {
      const conn = connect(spawn(workerOptions));
      const db = new WorkerVectorDb(WorkerVectorDb._internal, { conn, opened: call(conn, 'loadFromIndexedDB', [name]) });
      try { await db._opened; } catch (e) { conn.port.terminate(); throw e; }
      return db;
    }
  }
  WorkerVectorDb._internal = Symbol('internal');

  /** Starts a worker, creates the database in it, resolves when it is ready (errors reject). */
  async function createWorkerDb(options, workerOptions = {}) {
    const db = new WorkerVectorDb(options, workerOptions);
    try {
      await db._opened;
    } catch (e) {
      db._c.port.terminate();
      db._closed = true;
      if (registry) registry.unregister(db);
      throw e;
    }
    return db;
  }

  return { WorkerVectorDb, WorkerVectorDB: WorkerVectorDb, createWorkerDb };
}
