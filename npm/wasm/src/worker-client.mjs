// The main-thread side of @ruvector/wasm/worker: one whole database lives in one
// worker. The class is the contract's VectorDb (./contract.mjs: the same options,
// checks, result shapes and errors as every face) over a driver that forwards each
// low-level call to the worker.
//
// Wire protocol (structured clone):
//   main -> worker  {id, op, args}                      transfer: copied vector buffers
//   worker -> main  {id, ok: true, value}               transfer: result vectors, snapshot bytes
//                   {id, ok: false, error: {name, message, code}}
// Vectors are copied once into fresh Float32Arrays (a batch into one packed array) and
// their buffers transferred, so the caller's arrays are never detached. Errors come back
// with their code and are rebuilt by the contract's makeError, so the class matches.
// Hits are shaped on the main thread; their lazily read `vector` comes with the reply
// (a worker cannot be read synchronously).
import { createVectorDbClass, makeError, closedError } from './contract.mjs';
import { idbList, idbDelete } from './idb.mjs';

function remoteError(e) {
  const kind = e && e.name === 'TypeError' ? 'type' : e && e.name === 'RangeError' ? 'range' : 'error';
  const code = (e && e.code) || 'INTERNAL';
  return makeError(code, e && e.message ? e.message : String(e), kind);
}

// A connection: the worker plus the table of pending calls.
function connect(port) {
  const conn = { port, pending: new Map(), next: 1, dead: null };
  port.onMessage((m) => {
    const p = conn.pending.get(m.id);
    if (!p) return;
    conn.pending.delete(m.id);
    if (conn.pending.size === 0 && port.unref) port.unref();
    if (m.ok) p.resolve(m.value);
    else p.reject(remoteError(m.error));
  });
  port.onError((e) => {
    conn.dead = makeError('IO_ERROR', `the database worker failed: ${e && e.message ? e.message : e}`);
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
      reject(makeError('INVALID_ARGUMENT', `cannot send the request to the worker: ${e.message}`, 'type'));
    }
  });
}

/** Builds the WorkerVectorDb class over a way to start a worker: spawn(workerOptions) -> port. */
export function createWorkerClient(spawn) {
  // A forgotten database (garbage collected without close()) terminates its worker.
  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((port) => port.terminate())
    : null;
  let simdLevel = 'unknown';

  // Worker options ({workerUrl, backend}) ride along as the second constructor argument,
  // or as keys of the options object given to deserialize/loadFromIndexedDB.
  function workerOptionsOf(args) {
    if (args && typeof args[0] === 'object' && args[0] !== null && typeof args[1] === 'object' && args[1] !== null) return args[1];
    return {};
  }
  async function start(workerOptions, op, args, transfer) {
    const conn = connect(spawn(workerOptions || {}));
    if (registry) registry.register(conn, conn.port, conn);
    try {
      const r = await call(conn, op, args, transfer);
      simdLevel = r.simdLevel;
    } catch (e) {
      conn.port.terminate();
      throw e;
    }
    return conn;
  }
  const copy = (v) => new Float32Array(v);

  const driver = {
    face: { name: '@ruvector/wasm/worker', durable: false, indexedDB: true },
    open: (engine, args) => start(workerOptionsOf(args), 'open', [engine]),
    deserialize(bytes, engine, options) {
      const b = new Uint8Array(bytes);  // a copy: the caller's bytes are not detached
      return start(options || {}, 'deserialize', [b, engine], [b.buffer]);
    },
    insert(conn, id, vector, meta) {
      const v = copy(vector);
      return call(conn, 'insert', [id, v, meta], [v.buffer]);
    },
    insertBatch(conn, ids, vectors, metas) {
      let total = 0;
      for (const v of vectors) total += v.length;
      const packed = new Float32Array(total);
      const lens = new Uint32Array(vectors.length);
      let at = 0;
      for (let i = 0; i < vectors.length; i++) {
        packed.set(vectors[i], at);
        at += vectors[i].length;
        lens[i] = vectors[i].length;
      }
      return call(conn, 'insertBatch', [ids, packed, lens, metas], [packed.buffer, lens.buffer]);
    },
    search(conn, vector, k, ef, filter, flags, rescore) {
      const v = copy(vector);
      return call(conn, 'search', [v, k, ef, filter, flags, rescore], [v.buffer]);
    },
    searchBatch(conn, queries) {
      const transfer = [];
      const qs = queries.map((q) => {
        const v = copy(q[0]);
        transfer.push(v.buffer);
        return [v, q[1], q[2], q[3], q[4], q[5]];
      });
      return call(conn, 'searchBatch', [qs], transfer);
    },
    get: (conn, id) => call(conn, 'get', [id]),
    vectorOf: null,
    remove: (conn, id) => call(conn, 'remove', [id]),
    len: (conn) => call(conn, 'len'),
    info: (conn) => call(conn, 'info'),
    serialize: (conn) => call(conn, 'serialize'),
    checkpoint: (conn) => call(conn, 'checkpoint'),
    async close(conn) {
      if (registry) registry.unregister(conn);
      try {
        await call(conn, 'close');
      } catch { /* the worker is going away either way */ }
      conn.port.terminate();
      const err = closedError();
      for (const p of conn.pending.values()) p.reject(err);
      conn.pending.clear();
      conn.dead = err;
    },
    simdLevel: () => simdLevel,
    idb: {
      save: (conn, name) => call(conn, 'saveToIndexedDB', [name]),
      load: (name, options) => start(options || {}, 'loadFromIndexedDB', [name]),
      list: () => idbList(),
      remove: (name) => idbDelete(name),
    },
    extras: {
      /** {version, simdLevel, backend} of the module running in the worker. */
      runtime: (conn) => call(conn, 'runtime'),
    },
  };

  const WorkerVectorDb = createVectorDbClass(driver);

  /** Starts a worker, creates the database in it, resolves when it is ready (errors reject). */
  async function createWorkerDb(options, workerOptions = {}) {
    const db = new WorkerVectorDb(options, workerOptions);
    await db.ready;
    return db;
  }

  return { WorkerVectorDb, WorkerVectorDB: WorkerVectorDb, createWorkerDb };
}
