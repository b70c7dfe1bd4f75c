// @ruvector/wasm: the JavaScript face of the engine compiled to WebAssembly.
//
// Platform independent. An entry (browser.mjs, node.cjs) calls createApi(platform)
// once; `platform.load(variant)` resolves to the Emscripten module of the chosen
// variant ('simd' or 'baseline'); `platform.loadSync(variant)`, where the platform can
// (Node), instantiates it synchronously. This file is also compiled into dist/index.cjs
// by scripts/build-cjs.mjs, so it keeps to plain `import`/`export` statements at the
// top level (see that script).
//
// What the public API accepts and returns is defined once, in the JS contract
// (./contract.mjs, generated from npm/contract/contract.mjs): this file supplies the
// driver that marshals the contract's calls into the flat C ABI of
// bindings/wasm/ruvector_wasm.cpp, and the reference system's synchronous `VectorDB`.
// Vectors are copied into malloc'd wasm memory with HEAPF32.set; ids and JSON text
// (options, metadata, filters) are written as UTF-8; results come back through a small
// header of uint32 words. Memory may grow during any call into wasm, which detaches every
// typed-array view, so views are always taken from the module (M.HEAPU8, ...) after the
// last call.
import { idbSave, idbLoad, idbList, idbDelete } from './idb.mjs';
import {
  createVectorDbClass, makeError, errorFromEngine, rangeError, typeError, closedError, describeValue,
  resolveOpenOptions, resolveEntry, resolveEntries, resolveSearch, toId, buildHits, buildRecord, buildInfo,
  noteMetadataMode, batchColumns, metadataAsString,
} from './contract.mjs';

export const PACKAGE_VERSION = '0.1.0';

const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0,
  65, 0, 253, 15, 253, 98, 11]);
const EH_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 8, 1, 6, 0, 6, 64,
  25, 11, 11]);

/** True when this JS engine can run WebAssembly SIMD (simd128). */
export function wasmSimdSupported() {
  try { return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE); } catch { return false; }
}
function wasmExceptionsSupported() {
  try { return typeof WebAssembly === 'object' && WebAssembly.validate(EH_PROBE); } catch { return false; }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds the public API over a platform:
 *   platform.load(variant) -> Promise<EmscriptenModule>   variant: 'simd' | 'baseline'
 *   platform.loadSync(variant) -> EmscriptenModule         (optional: Node)
 *   platform.defaultBackend() -> 'auto' | 'simd' | 'baseline'   (env / global overrides)
 */
export function createApi(platform) {
  let M = null;          // the loaded module
  let loading = null;    // Promise<module>
  let variant = null;    // 'simd' | 'baseline' once chosen
  let forced = null;     // setBackend()

  function chooseVariant() {
    const want = forced || platform.defaultBackend() || 'auto';
    if (want === 'baseline') return 'baseline';
    if (want === 'simd') return 'simd';
    return wasmSimdSupported() ? 'simd' : 'baseline';
  }

  function unsupportedEngine() {
    return makeError('UNSUPPORTED',
      'this JavaScript engine lacks WebAssembly exception handling (Chrome 95+, Firefox 100+, Safari 15.2+, Node 17+)');
  }
  function loadFailed(e) {
    const err = makeError('UNSUPPORTED', `failed to load the ${variant} WebAssembly module: ${e && e.message ? e.message : e}`);
    err.cause = e;
    return err;
  }

  function ready() {
    if (M) return Promise.resolve(M);
    if (!loading) {
      variant = chooseVariant();
      if (!wasmExceptionsSupported()) {
        loading = Promise.reject(unsupportedEngine());
      } else {
        loading = Promise.resolve().then(() => platform.load(variant)).then((m) => {
          M = m;
          return m;
        }, (e) => {
          loading = null;
          throw loadFailed(e);
        });
      }
    }
    return loading;
  }

  // The module now, loading it synchronously where the platform can; null otherwise.
  function moduleNow() {
    if (M) return M;
    if (loading || typeof platform.loadSync !== 'function') return null;
    variant = chooseVariant();
    if (!wasmExceptionsSupported()) throw unsupportedEngine();
    try {
      M = platform.loadSync(variant);
    } catch (e) {
      throw loadFailed(e);
    }
    loading = Promise.resolve(M);
    return M;
  }

  // ---- wasm memory helpers (valid only while no other wasm call runs) ----
  let scratchPtr = 0;
  let scratchCap = 0;
  const SCRATCH_KEEP = 16 << 20;

  function scratch(bytes) {
    if (bytes > scratchCap) {
      if (scratchPtr) M._free(scratchPtr);
      scratchCap = Math.max(bytes, 4096, Math.min(scratchCap * 2, SCRATCH_KEEP));
      scratchPtr = M._malloc(scratchCap) >>> 0;
      if (!scratchPtr) {
        scratchCap = 0;
        throw makeError('RESOURCE_EXHAUSTED', `out of memory: cannot allocate ${bytes} bytes in the WebAssembly heap (the limit is 2 GB)`);
      }
    }
    return scratchPtr;
  }
  // After a large call, give a big scratch buffer back to the allocator.
  function shrinkScratch() {
    if (scratchCap > SCRATCH_KEEP) {
      M._free(scratchPtr);
      scratchPtr = 0;
      scratchCap = 0;
    }
  }
  // Writes a string as UTF-8 at p (room for 3 bytes per UTF-16 unit); returns bytes written.
  function writeUtf8(str, p) {
    const heap = M.HEAPU8;
    const n = str.length;
    let i = 0;
    for (; i < n; i++) {
      const c = str.charCodeAt(i);
      if (c >= 0x80) break;
      heap[p + i] = c;
    }
    if (i === n) return n;
    return i + encoder.encodeInto(str.slice(i), heap.subarray(p + i, p + i + 3 * (n - i))).written;
  }
  function readUtf8(p, len) {
    const heap = M.HEAPU8;
    if (len <= 32) {
      let s = '';
      for (let i = 0; i < len; i++) {
        const c = heap[p + i];
        if (c >= 0x80) return decoder.decode(heap.subarray(p, p + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(heap.subarray(p, p + len));
  }
  function cstr(p) {
    return M.UTF8ToString(p);
  }
  function lastError(context) {
    const e = errorFromEngine(M._rv_error_code(), cstr(M._rv_error_message()));
    if (context) e.message = e.message.replace(/^(\w+): /, `$1: ${context}: `);
    return e;
  }
  // Writes `text` (or nothing for null) at a fresh scratch position; returns [ptr, len].
  function textArg(text, p) {
    if (text === null) return [0, -1];
    return [p, writeUtf8(text, p)];
  }
  // Raw hits from a hits header: [ids, scores, metadata JSON text | undefined, vectors | undefined].
  function rawHits(hdr, withVector, withMeta) {
    const u32 = M.HEAPU32;
    const h = hdr >>> 2;
    const count = u32[h];
    const dims = u32[h + 1];
    const scores = u32[h + 2] >>> 2;
    const offs = u32[h + 3] >>> 2;
    const idBase = u32[h + 4];
    const f32 = M.HEAPF32;
    const ids = new Array(count);
    const sc = new Float64Array(count);
    let vecs;
    if (withVector) vecs = new Array(count);
    const vbase = u32[h + 7] >>> 2;
    for (let i = 0; i < count; i++) {
      const a = u32[offs + i];
      ids[i] = readUtf8(idBase + a, u32[offs + i + 1] - a);
      sc[i] = f32[scores + i];
      if (withVector) vecs[i] = f32.slice(vbase + i * dims, vbase + (i + 1) * dims);
    }
    const meta = withMeta && u32[h + 5] ? readUtf8(u32[h + 5], u32[h + 6]) : undefined;
    return [ids, sc, meta, vecs];
  }

  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((ptr) => { if (M) M._rv_close(ptr); })
    : null;

  // A handle owns one engine database; the registry frees it if the handle is dropped.
  function adopt(ptr) {
    const h = { p: ptr };
    if (registry) registry.register(h, ptr, h);
    return h;
  }
  function live(h) {
    if (h.p === 0) throw closedError();
    return h.p;
  }

  function openSync(engine) {
    const text = JSON.stringify(engine);
    const p = scratch(3 * text.length + 8);
    const len = writeUtf8(text, p);
    const ptr = M._rv_open(p, len) >>> 0;
    if (!ptr) throw lastError();
    return adopt(ptr);
  }

  function searchRaw(h, vector, k, ef, filter, flags, rescore, context) {
    const n = vector.length;
    const p = scratch(4 * n + (filter === null ? 0 : 3 * filter.length) + 8);
    M.HEAPF32.set(vector, p >>> 2);
    const [fp, flen] = textArg(filter, p + 4 * n);
    const hdr = M._rv_search(live(h), p, n, k, ef, fp, flen, flags, rescore) >>> 0;
    if (!hdr) throw lastError(context);
    return rawHits(hdr, (flags & 1) !== 0, (flags & 2) !== 0);
  }

  function getRaw(h, id) {
    const p = scratch(3 * id.length + 8);
    const len = writeUtf8(id, p);
    const hdr = M._rv_get(live(h), p, len) >>> 0;
    if (!hdr) throw lastError();
    const r = rawHits(hdr, true, true);
    if (r[0].length === 0) return null;
    const metas = JSON.parse(r[2]);
    return [r[0][0], r[3][0], metas[0] === null ? null : JSON.stringify(metas[0]), r[1][0] === 1];
  }

  function insertBatchRaw(h, ids, vectors, metas) {
    const count = vectors.length;
    if (count === 0) return [];
    let floats = 0;
    let idChars = 0;
    for (let i = 0; i < count; i++) {
      floats += vectors[i].length;
      if (ids[i] !== null) idChars += ids[i].length;
    }
    const metaText = metas === null ? null : '[' + metas.map((m) => (m === null ? 'null' : m)).join(',') + ']';
    const bytes = 4 * floats + 8 * count + 3 * idChars + (metaText ? 3 * metaText.length : 0) + 16;
    try {
      const p = scratch(bytes);
      const vp = p;
      const lensp = vp + 4 * floats;
      const idlensp = lensp + 4 * count;
      let q = idlensp + 4 * count;
      const idp = q;
      const f32 = M.HEAPF32;
      const u32 = M.HEAPU32;
      let at = vp >>> 2;
      for (let i = 0; i < count; i++) {
        f32.set(vectors[i], at);
        at += vectors[i].length;
        u32[(lensp >>> 2) + i] = vectors[i].length;
      }
      for (let i = 0; i < count; i++) {
        if (ids[i] === null) { u32[(idlensp >>> 2) + i] = 0xFFFFFFFF; continue; }
        const w = writeUtf8(ids[i], q);
        M.HEAPU32[(idlensp >>> 2) + i] = w;
        q += w;
      }
      const [mp, mlen] = textArg(metaText, q);
      const hdr = M._rv_insert_batch(live(h), count, vp, lensp, idp, idlensp, mp, mlen) >>> 0;
      if (!hdr) throw lastError();
      const hu = M.HEAPU32;
      const hh = hdr >>> 2;
      const n = hu[hh];
      const offs = hu[hh + 3] >>> 2;
      const base = hu[hh + 4];
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readUtf8(base + hu[offs + i], hu[offs + i + 1] - hu[offs + i]);
      return out;
    } finally {
      shrinkScratch();
    }
  }

  // Runs fn(ptr, len) over the engine's snapshot bytes, then releases them.
  function withSnapshot(h, fn) {
    const p = M._rv_serialize(live(h)) >>> 0;
    if (!p) throw lastError();
    try {
      return fn(p, M._rv_bytes_len());
    } finally {
      M._rv_release();
    }
  }

  // Copies the chunks end to end into wasm memory and deserializes.
  function fromSnapshotChunks(chunks, total, engine) {
    const text = JSON.stringify(engine || {});
    const p = M._malloc(Math.max(total, 1) + 3 * text.length + 8) >>> 0;
    if (!p) throw makeError('RESOURCE_EXHAUSTED', `out of memory: cannot allocate ${total} bytes for the snapshot in the WebAssembly heap`);
    try {
      let at = p;
      for (const c of chunks) {
        M.HEAPU8.set(c, at);
        at += c.byteLength;
      }
      const op = p + Math.max(total, 1);
      const olen = writeUtf8(text, op);
      const ptr = M._rv_deserialize(p, total, op, olen) >>> 0;
      if (!ptr) throw lastError();
      M._rv_release();
      return adopt(ptr);
    } finally {
      M._free(p);
    }
  }

  // The contract's driver: every function marshals one call (the module is loaded by
  // the time a handle exists).
  const driver = {
    face: { name: '@ruvector/wasm', durable: false, indexedDB: true },
    open(engine) {
      if (moduleNow()) return openSync(engine);
      return ready().then(() => openSync(engine));
    },
    deserialize(bytes, engine) {
      return ready().then(() => fromSnapshotChunks([bytes], bytes.byteLength, engine));
    },
    insert(h, id, vector, meta) {
      const n = vector.length;
      const p = scratch(4 * n + 3 * ((id === null ? 0 : id.length) + (meta === null ? 0 : meta.length)) + 8);
      M.HEAPF32.set(vector, p >>> 2);
      const [ip, ilen] = textArg(id, p + 4 * n);
      const [mp, mlen] = textArg(meta, p + 4 * n + (ilen > 0 ? ilen : 0));
      const r = M._rv_insert(live(h), ip, ilen, p, n, mp, mlen) >>> 0;
      if (!r) throw lastError();
      return id !== null && id !== '' ? id : cstr(r);
    },
    insertBatch: insertBatchRaw,
    search(h, vector, k, ef, filter, flags, rescore) {
      return searchRaw(h, vector, k, ef, filter, flags, rescore);
    },
    searchBatch(h, queries) {
      return queries.map((q, i) => searchRaw(h, q[0], q[1], q[2], q[3], q[4], q[5], `query ${i}`));
    },
    get: getRaw,
    vectorOf(h, id) {
      const r = getRaw(h, id);
      return r === null ? undefined : r[1];
    },
    remove(h, id) {
      const p = scratch(3 * id.length + 8);
      const len = writeUtf8(id, p);
      const r = M._rv_remove(live(h), p, len);
      if (r < 0) throw lastError();
      return r === 1;
    },
    len: (h) => M._rv_size(live(h)),
    info(h) {
      const p = M._rv_info(live(h)) >>> 0;
      if (!p) throw lastError();
      return cstr(p);
    },
    serialize: (h) => withSnapshot(h, (p, len) => M.HEAPU8.slice(p, p + len)),
    checkpoint(h) {
      live(h);
    },
    close(h) {
      if (h.p === 0) return;
      if (registry) registry.unregister(h);
      M._rv_close(h.p);
      h.p = 0;
    },
    simdLevel: () => cstr(M._rv_simd_level()),
    idb: {
      save(h, name) {
        const info = JSON.parse(driver.info(h));
        return idbSave(name, (putChunks) => withSnapshot(h, (p, len) => putChunks(len, (start, end) => M.HEAPU8.slice(p + start, p + end))), {
          dimensions: info.dimensions, metric: info.metric, index: info.index, count: info.count, engine: cstr(M._rv_version()),
        });
      },
      async load(name) {
        await ready();
        const { chunks, bytes } = await idbLoad(name);
        return fromSnapshotChunks(chunks, bytes, {});
      },
      list: () => idbList(),
      remove: (name) => idbDelete(name),
    },
  };

  const VectorDb = createVectorDbClass(driver);

  function loaded() {
    if (!moduleNow()) throw makeError('INVALID_ARGUMENT', 'the WebAssembly module is not loaded yet: await ready() first');
    return M;
  }
  // Copies bytes into wasm memory and runs fn(ptr, extraPtr) with room for `extra` more bytes.
  function withBytes(bytes, extra, fn) {
    const p = M._malloc(bytes.byteLength + extra + 8) >>> 0;
    if (!p) throw makeError('RESOURCE_EXHAUSTED', `out of memory: cannot allocate ${bytes.byteLength} bytes in the WebAssembly heap`);
    try {
      M.HEAPU8.set(bytes, p);
      return fn(p, p + bytes.byteLength);
    } finally {
      M._free(p);
    }
  }
  // The engine's record readers and JSON Lines writer (include/ruvector/record_io.h).
  const records = {
    /**
     * -> {dimensions, vectors: Float32Array, ids ('' = none), metadata[], positions, lineNumbers}.
     * progress(done, total): optional, called synchronously while the engine reads.
     */
    read(bytes, format, options = {}, progress = undefined) {
      loaded();
      const fmt = String(format);
      const opts = JSON.stringify(options);
      return withBytes(bytes, 3 * (fmt.length + opts.length) + 8, (p, q) => {
        const flen = writeUtf8(fmt, q);
        const olen = writeUtf8(opts, q + flen);
        M.rvRecordProgress = typeof progress === 'function' ? progress : undefined;  // read by rv_read_records
        let hdr;
        try {
          hdr = M._rv_read_records(p, bytes.byteLength, q, flen, q + flen, olen) >>> 0;
        } finally {
          M.rvRecordProgress = undefined;
        }
        if (!hdr) throw lastError();
        try {
          const u32 = M.HEAPU32;
          const h = hdr >>> 2;
          const n = u32[h];
          const dims = u32[h + 1];
          const offs = u32[h + 3] >>> 2;
          const base = u32[h + 4];
          const ids = new Array(n);
          for (let i = 0; i < n; i++) ids[i] = readUtf8(base + u32[offs + i], u32[offs + i + 1] - u32[offs + i]);
          const metadata = JSON.parse(readUtf8(u32[h + 5], u32[h + 6]));
          const vp = u32[h + 7];
          const vectors = M.HEAPF32.slice(vp >>> 2, (vp >>> 2) + n * dims);
          const pp = M._rv_record_positions() >>> 3;
          const positions = M.HEAPF64.slice(pp, pp + n);
          return { dimensions: dims, vectors, ids, metadata, positions, lineNumbers: M._rv_record_line_numbers() === 1 };
        } finally {
          M._rv_release();
        }
      });
    },
    /** Canonical format name of a name (any case, aliases) or, when isPath, of a file's extension. */
    format(text, isPath = false) {
      loaded();
      const t = String(text);
      const p = scratch(3 * t.length + 8);
      const r = M._rv_record_format(p, writeUtf8(t, p), isPath ? 1 : 0) >>> 0;
      if (!r) throw lastError();
      return cstr(r);
    },
    /** A vector typed on the command line ("[1, 2]" or "1,2") -> Float32Array. */
    parseVectorText(text) {
      loaded();
      const t = String(text);
      const p = scratch(3 * t.length + 8);
      const len = writeUtf8(t, p);
      const hdr = M._rv_parse_vector_text(p, len) >>> 0;
      if (!hdr) throw lastError();
      const h = hdr >>> 2;
      const vp = M.HEAPU32[h + 7] >>> 2;
      return M.HEAPF32.slice(vp, vp + M.HEAPU32[h + 1]);
    },
    /** Every record of snapshot bytes as JSON Lines (Uint8Array). */
    snapshotToJsonl(bytes, source = 'snapshot') {
      loaded();
      const src = String(source);
      return withBytes(bytes, 3 * src.length + 8, (p, q) => {
        const slen = writeUtf8(src, q);
        const r = M._rv_snapshot_to_jsonl(p, bytes.byteLength, q, slen) >>> 0;
        if (!r) throw lastError();
        try {
          return M.HEAPU8.slice(r, r + M._rv_bytes_len());
        } finally {
          M._rv_release();
        }
      });
    },
  };

  /**
   * The reference system's synchronous wasm class: after `await init()`,
   * `new VectorDB(dimensions, metric?, useHnsw?)`; or `new VectorDB({dimensions, metric})`
   * followed by `await db.init()`. insert/insertBatch/search/get/delete/len/isEmpty return
   * values, not Promises; search(query, k, filter?) returns hits with their vector and
   * metadata. Options, entries, queries and errors follow the same contract as VectorDb.
   */
  class VectorDB {
    #h = null;
    #engine;
    #state;
    #dims;
    #readVector;

    constructor(...args) {
      const opts = resolveOpenOptions(args, driver.face);
      this.#engine = opts.engine;
      this.#state = { ignored: opts.ignored, metadataAs: opts.metadataAs };
      this.#dims = opts.engine.dimensions;
      this.#readVector = (id) => driver.vectorOf(this.#handle(), id);
      // The positional form opens now (after the package's init(), or in Node, where the
      // module loads synchronously); the options form opens in db.init(), as the
      // reference's unit tests use it, and a call before that is an error saying so.
      if (typeof args[0] === 'number') {
        if (!moduleNow())
          throw makeError('INVALID_ARGUMENT', 'the WebAssembly module is not loaded yet: call `await init()` ' +
            "(the package's default export) before new VectorDB(dimensions, ...)", 'error');
        this.#h = openSync(this.#engine);
      }
    }

    /** Opens the database once the module is loaded; resolves with this database. */
    async init() {
      if (this.#h === null) {
        await ready();
        if (this.#h === null) this.#h = openSync(this.#engine);
      }
      return this;
    }

    #handle() {
      if (this.#h === null)
        throw makeError('INVALID_ARGUMENT', 'this VectorDB is not initialised: call `await db.init()` (or the ' +
          "package's `await init()` before constructing it) first", 'error');
      return this.#h;
    }

    /** Vector length of this database. */
    get dimensions() {
      return this.#dims;
    }

    /** insert(vector, id?, metadata?) | insert({vector, id?, metadata?}) -> the id. */
    insert(...args) {
      const e = resolveEntry(args);
      const h = this.#handle();
      noteMetadataMode(this.#state, [e]);
      return driver.insert(h, e.id, e.vector, e.meta);
    }

    /** All-or-nothing; -> the ids in order. */
    insertBatch(entries) {
      const parts = resolveEntries(entries);
      const h = this.#handle();
      noteMetadataMode(this.#state, parts);
      const { ids, vectors, metas } = batchColumns(parts);
      return driver.insertBatch(h, ids, vectors, metas);
    }

    /** search(query, k = 10, filter?) | search({vector, k, ...}) -> hits. */
    search(...args) {
      const q = resolveSearch(args);
      const raw = driver.search(this.#handle(), q.vector, q.k, q.efSearch, q.filter,
        (q.includeVector ? 1 : 0) | (q.includeMetadata ? 2 : 0), q.rescore);
      return buildHits(raw[0], raw[1], raw[2] === undefined ? null : JSON.parse(raw[2]),
        raw[3] === undefined ? null : raw[3], this.#readVector, metadataAsString(this.#state), q.threshold);
    }

    /** {id, vector, metadata?} or null. */
    get(id) {
      const r = driver.get(this.#handle(), toId(id));
      return r === null ? null
        : buildRecord(r[0], r[1], r[2] === null ? null : JSON.parse(r[2]), metadataAsString(this.#state));
    }

    delete(id) {
      return driver.remove(this.#handle(), toId(id));
    }

    len() {
      return driver.len(this.#handle());
    }

    count() {
      return this.len();
    }

    isEmpty() {
      return this.len() === 0;
    }

    /** Settings and counters (the same object as VectorDb's info(), returned directly). */
    info() {
      return buildInfo(JSON.parse(driver.info(this.#handle())), this.#state, driver.simdLevel());
    }

    /** The portable snapshot as bytes (loads in every face). */
    serialize() {
      return driver.serialize(this.#handle());
    }

    /** Saves the snapshot into IndexedDB (browsers); see VectorDb.saveToIndexedDB. */
    saveToIndexedDB(name = 'default') {
      if (typeof name !== 'string' || name === '') return Promise.reject(typeError(`the IndexedDB name must be a non-empty string, got ${describeValue(name)}`));
      try {
        return driver.idb.save(this.#handle(), name);
      } catch (e) {
        return Promise.reject(e);
      }
    }

    /** Frees the database now (also done by the garbage collector if forgotten). */
    close() {
      if (this.#h !== null) driver.close(this.#h);
    }
  }

  /**
   * The reference's default export: loads the WebAssembly module. Resolves with the
   * package API; `new VectorDB(dimensions, ...)` works synchronously afterwards.
   */
  function init() {
    return ready().then(() => api);
  }

  /**
   * benchmark(name, iterations = 1000, dimensions = 128) -> Promise<number> ops/s.
   * name 'search' (or any name containing 'search'): fills a default HNSW cosine
   * database with `iterations` random vectors, then times `iterations` awaited
   * searches (k = 10). 'insertBatch': times one insertBatch of `iterations` vectors.
   * Anything else ('insert'): times `iterations` awaited single inserts.
   * Clock: performance.now() (monotonic). Vectors from a fixed-seed generator.
   */
  async function benchmark(name = 'insert', iterations = 1000, dimensions = 128) {
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > 10_000_000)
      throw rangeError(`iterations must be a whole number from 1 to 10000000, got ${describeValue(iterations)}`);
    if (!Number.isInteger(dimensions) || dimensions < 1)
      throw rangeError(`dimensions must be a positive whole number, got ${describeValue(dimensions)}`);
    await ready();
    let seed = 0x9e3779b9;
    const rnd = () => {
      seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
      return seed / 4294967296 - 0.5;
    };
    const vecs = new Array(iterations);
    for (let i = 0; i < iterations; i++) {
      const v = new Float32Array(dimensions);
      for (let j = 0; j < dimensions; j++) v[j] = rnd();
      vecs[i] = v;
    }
    const db = new VectorDb({ dimensions });
    try {
      const kind = String(name).toLowerCase();
      if (kind.includes('search')) {
        await db.insertBatch(vecs.map((vector) => ({ vector })));
        const t0 = performance.now();
        for (let i = 0; i < iterations; i++) await db.search({ vector: vecs[(i * 7919) % iterations], k: 10 });
        return iterations / ((performance.now() - t0) / 1000);
      }
      if (kind === 'insertbatch' || kind === 'insert_batch' || kind === 'batch') {
        const entries = vecs.map((vector) => ({ vector }));
        const t0 = performance.now();
        await db.insertBatch(entries);
        return iterations / ((performance.now() - t0) / 1000);
      }
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) await db.insert({ vector: vecs[i] });
      return iterations / ((performance.now() - t0) / 1000);
    } finally {
      await db.close();
    }
  }

  function setBackend(name) {
    if (!['auto', 'simd', 'baseline'].includes(name)) throw typeError(`backend must be 'auto', 'simd' or 'baseline', got ${describeValue(name)}`);
    const want = name === 'auto' ? (wasmSimdSupported() ? 'simd' : 'baseline') : name;
    if ((M || loading) && variant !== want)
      throw makeError('INVALID_ARGUMENT', `the ${variant} module is already loaded; call setBackend('${name}') before the first database is created`);
    forced = name;
  }

  // The API object is also the reference's default export `init`: calling it loads the module.
  const api = Object.assign(init, {
    VectorDb,
    VectorDB,
    init,
    /** Engine version (the same string as the native addon's version()). */
    version: () => (M ? cstr(M._rv_version()) : PACKAGE_VERSION),
    /** 'simd128' or 'scalar': the distance kernels in use (the loader's choice until loaded). */
    simdLevel: () => (M ? cstr(M._rv_simd_level()) : (chooseVariant() === 'simd' ? 'simd128' : 'scalar')),
    /** true when the simd128 build is (or, before loading, will be) the one running. */
    detectSIMD: () => (M ? variant === 'simd' : chooseVariant() === 'simd'),
    /** Resolves once the module is loaded: {backend, simdLevel, version}. Optional. */
    ready: () => ready().then(() => ({ backend: variant, simdLevel: cstr(M._rv_simd_level()), version: cstr(M._rv_version()) })),
    setBackend,
    /** Which module variant is loaded ('simd' | 'baseline'), or null before loading. */
    getBackend: () => (M ? variant : null),
    /** Bytes of WebAssembly memory in use (for leak checks); 0 before loading. */
    memoryBytes: () => (M ? M.HEAPU8.buffer.byteLength : 0),
    benchmark,
    listIndexedDB: () => VectorDb.listIndexedDB(),
    deleteIndexedDB: (name) => VectorDb.deleteIndexedDB(name),
    /** Float32Array copy of an array of numbers (the reference's helper). */
    arrayToFloat32Array: (arr) => Float32Array.from(arr),
    wasmSimdSupported,
    capabilities: { durable: false, indexedDB: true, threads: false, hnsw: true, wasm: true, syncVectorDB: true },
  });
  // The low-level driver, for the worker host (worker-host-core.mjs); not public API.
  Object.defineProperty(api, 'driver', { value: driver, enumerable: false });
  // The engine's record formats, for the `ruvector` CLI (npm/ruvector/lib/cli); not
  // public API. Synchronous; the module must be loaded (await ready()).
  Object.defineProperty(api, 'records', { value: records, enumerable: false });
  return api;
}
