// IndexedDB persistence for @ruvector/wasm: the engine's portable snapshot
// (db.serialize()), stored in chunks.
//
// Layout: IndexedDB database "ruvector" (version 1) with two object stores:
//   snapshots  keyPath "name": one manifest per saved database
//              {name, format, bytes, chunkSize, chunks, savedAt, dimensions, metric,
//               index, count, engine}
//   chunks     key [name, i]: ArrayBuffer i (CHUNK_SIZE bytes, the last one shorter)
// A save replaces the old chunks and the manifest in one readwrite transaction, so a
// reader sees the old snapshot or the new one, never a mix. The snapshot carries its
// own checksums; the manifest adds the byte and chunk counts, checked on load.
// `globalThis.indexedDB` is looked up on every call (so fake-indexeddb can be swapped in
// by tests); each call opens and closes its own connection.

export const IDB_NAME = 'ruvector';
export const CHUNK_SIZE = 8 << 20;
const MANIFESTS = 'snapshots';
const CHUNKS = 'chunks';

function idbError(code, message) {
  const e = new Error(`${code}: ${message}`);
  e.code = code;
  return e;
}

function factory() {
  const f = globalThis.indexedDB;
  if (!f || typeof f.open !== 'function')
    throw idbError('UNSUPPORTED', 'IndexedDB is not available here; in Node, import "fake-indexeddb/auto" first, ' +
      'or persist with serialize() / VectorDb.deserialize()');
  return f;
}

function range(name) {
  const R = globalThis.IDBKeyRange;
  if (!R) throw idbError('UNSUPPORTED', 'IDBKeyRange is not available in this environment');
  return R.bound([name, 0], [name, Infinity]);
}

function wrapIdbError(e, what) {
  if (e && e.code && typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e;
  const name = e && e.name ? e.name : 'Error';
  const code = name === 'QuotaExceededError' ? 'RESOURCE_EXHAUSTED' : 'IO_ERROR';
  const err = idbError(code, `IndexedDB ${what} failed: ${name}${e && e.message ? ': ' + e.message : ''}`);
  err.cause = e;
  return err;
}

function openDb() {
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = factory().open(IDB_NAME, 1);
    } catch (e) {
      reject(e.code ? e : wrapIdbError(e, 'open'));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(MANIFESTS)) db.createObjectStore(MANIFESTS, { keyPath: 'name' });
      if (!db.objectStoreNames.contains(CHUNKS)) db.createObjectStore(CHUNKS);
    };
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => reject(wrapIdbError(req.error, 'open'));
    req.onblocked = () => reject(idbError('LOCKED', 'IndexedDB "ruvector" is blocked by another tab holding an older version open'));
  });
}

function txDone(tx, what) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(wrapIdbError(tx.error, what));
    tx.onabort = () => reject(wrapIdbError(tx.error, what));
  });
}

function request(req, what) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(wrapIdbError(req.error, what));
  });
}

function publicManifest(m) {
  return {
    name: m.name, bytes: m.bytes, chunks: m.chunks, savedAt: m.savedAt, dimensions: m.dimensions,
    metric: m.metric, index: m.index, count: m.count, engine: m.engine,
  };
}

/**
 * Saves a snapshot. `produce(put)` must call `put(length, slice)` synchronously,
 * where slice(start, end) returns a Uint8Array copy of those bytes.
 */
export async function idbSave(name, produce, info) {
  const db = await openDb();
  try {
    const tx = db.transaction([MANIFESTS, CHUNKS], 'readwrite');
    const done = txDone(tx, 'save');
    done.catch(() => {});
    let manifest = null;
    try {
      const chunks = tx.objectStore(CHUNKS);
      chunks.delete(range(name));
      produce((len, slice) => {
        const n = Math.max(1, Math.ceil(len / CHUNK_SIZE));
        for (let i = 0; i < n; i++) {
          const part = slice(i * CHUNK_SIZE, Math.min(len, (i + 1) * CHUNK_SIZE));
          chunks.put(part.buffer, [name, i]);
        }
        manifest = { name, format: 1, bytes: len, chunkSize: CHUNK_SIZE, chunks: n, savedAt: new Date().toISOString(), ...info };
        tx.objectStore(MANIFESTS).put(manifest);
      });
    } catch (e) {
      try { tx.abort(); } catch { /* already finished */ }
      throw e;
    }
    await done;
    return publicManifest(manifest);
  } finally {
    db.close();
  }
}

/** Loads a snapshot: {manifest, chunks: Uint8Array[], bytes}. NOT_FOUND when absent. */
export async function idbLoad(name) {
  const db = await openDb();
  try {
    const tx = db.transaction([MANIFESTS, CHUNKS], 'readonly');
    const [m, parts] = await Promise.all([
      request(tx.objectStore(MANIFESTS).get(name), 'load'),
      request(tx.objectStore(CHUNKS).getAll(range(name)), 'load'),
    ]);
    if (!m) throw idbError('NOT_FOUND', `no database named '${name}' in IndexedDB; saveToIndexedDB('${name}') first (listIndexedDB() shows what is there)`);
    const chunks = parts.map((p) => (p instanceof Uint8Array ? p : new Uint8Array(p)));
    const total = chunks.reduce((a, c) => a + c.byteLength, 0);
    if (chunks.length !== m.chunks || total !== m.bytes)
      throw idbError('CORRUPTION', `IndexedDB snapshot '${name}' is incomplete: ${chunks.length} of ${m.chunks} chunks, ${total} of ${m.bytes} bytes`);
    return { manifest: publicManifest(m), chunks, bytes: total };
  } finally {
    db.close();
  }
}

/** Every saved database's manifest, sorted by name. */
export async function idbList() {
  const db = await openDb();
  try {
    const tx = db.transaction([MANIFESTS], 'readonly');
    const all = await request(tx.objectStore(MANIFESTS).getAll(), 'list');
    return all.map(publicManifest).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } finally {
    db.close();
  }
}

/** Deletes a saved database; resolves true when it existed. */
export async function idbDelete(name) {
  const db = await openDb();
  try {
    const tx = db.transaction([MANIFESTS, CHUNKS], 'readwrite');
    const done = txDone(tx, 'delete');
    done.catch(() => {});
    // Requests run in order: the count sees the state before the deletes.
    const existed = request(tx.objectStore(MANIFESTS).count(name), 'delete');
    tx.objectStore(MANIFESTS).delete(name);
    tx.objectStore(CHUNKS).delete(range(name));
    await done;
    return (await existed) > 0;
  } finally {
    db.close();
  }
}
