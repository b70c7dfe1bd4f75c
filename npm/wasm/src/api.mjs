// @ruvector/wasm: the JavaScript face of the engine compiled to WebAssembly.
//
// Platform independent. An entry (browser.mjs, node.cjs) calls createApi(platform)
// once; `platform.load(variant)` resolves to the Emscripten module of the chosen
// variant ('simd' or 'baseline'). This file is also compiled into dist/index.cjs
// by scripts/build-cjs.mjs, so it keeps to plain `import`/`export` statements at the
// top level (see that script).
//
// Boundary (see bindings/wasm/ruvector_wasm.cpp): a flat C ABI. Vectors are copied
// into malloc'd wasm memory with HEAPF32.set; ids and JSON text (metadata, filters)
// are written as UTF-8; results come back through a small header of uint32 words.
// Memory may grow during any call into wasm, which detaches every typed-array view,
// so views are always taken from the module (M.HEAPU8, ...) after the last call.
import { idbSave, idbLoad, idbList, idbDelete } from './idb.mjs';

export const PACKAGE_VERSION = '0.1.0';

const CODE_NAMES = [
  'OK', 'INVALID_ARGUMENT', 'DIMENSION_MISMATCH', 'NOT_FOUND', 'ALREADY_EXISTS', 'CORRUPTION', 'IO_ERROR',
  'UNSUPPORTED', 'RESOURCE_EXHAUSTED', 'LOCKED',
];

// An Error whose message starts with its code, like the engine's Status::ToString().
export function rvError(code, message, Ctor = Error) {
  const e = new Ctor(`${code}: ${message}`);
  e.code = code;
  return e;
}
const typeError = (message) => rvError('INVALID_ARGUMENT', message, TypeError);
const closedError = () => rvError('INVALID_ARGUMENT', 'the database is closed; create or load a new one');

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

// ---- argument checks (mirroring the engine's messages) ----
const MAX_DIMENSIONS = 65536;
function metricOk(name) {
  const n = name.replace(/[_\- ]/g, '').toLowerCase();
  return ['euclidean', 'l2', 'cosine', 'dot', 'dotproduct', 'innerproduct', 'ip', 'manhattan', 'l1'].includes(n);
}
function indexOk(name) {
  return ['hnsw', 'flat', 'exact', 'bruteforce'].includes(name.toLowerCase());
}
function checkInt(v, name, lo, hi) {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw typeError(`${name} must be an integer, got ${describe(v)}`);
  if (v < lo || v > hi) throw rvError('INVALID_ARGUMENT', `${name} must be between ${lo} and ${hi}, got ${v}`, RangeError);
  return v;
}
// The first of `names` present in o (undefined and null count as absent).
function pick(o, ...names) {
  for (const n of names) if (o[n] !== undefined && o[n] !== null) return o[n];
  return undefined;
}
function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '...' : v}'`;
  if (typeof v === 'object') return v.constructor && v.constructor.name ? `a ${v.constructor.name}` : 'an object';
  return `${typeof v} ${String(v)}`;
}

// Resolves constructor arguments (options object, or the reference system's
// positional form `(dimensions, metric?, useHnsw?)`) into checked settings.
export function resolveOptions(args) {
  let o;
  if (typeof args[0] === 'number') {
    const [dimensions, metric, useHnsw] = args;
    o = { dimensions };
    if (metric !== undefined && metric !== null) o.metric = metric;
    if (useHnsw !== undefined && useHnsw !== null) {
      if (typeof useHnsw !== 'boolean') throw typeError(`useHnsw must be a boolean, got ${describe(useHnsw)}`);
      o.index = useHnsw ? 'hnsw' : 'flat';
    }
  } else if (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0])) {
    o = args[0];
  } else {
    throw typeError(`VectorDb expects an options object such as {dimensions: 128}, or (dimensions, metric?, useHnsw?); got ${describe(args[0])}`);
  }
  const s = {};
  const dims = pick(o, 'dimensions', 'dimension');
  if (dims === undefined) throw typeError('dimensions is required (a whole number from 1 to 65536)');
  s.dimensions = checkInt(dims, 'dimensions', 1, MAX_DIMENSIONS);
  const metric = pick(o, 'distanceMetric', 'metric');
  if (metric !== undefined) {
    if (typeof metric !== 'string') throw typeError(`distanceMetric must be a string, got ${describe(metric)}`);
    if (!metricOk(metric))
      throw rvError('INVALID_ARGUMENT', `unknown metric '${metric}', expected one of euclidean (l2), cosine, dot (dotproduct, innerproduct, ip), manhattan (l1)`, RangeError);
    s.metric = metric;
  }
  if (o.index !== undefined && o.index !== null) {
    if (typeof o.index !== 'string') throw typeError(`index must be 'hnsw' or 'flat', got ${describe(o.index)}`);
    if (!indexOk(o.index)) throw rvError('INVALID_ARGUMENT', `unknown index kind '${o.index}', expected hnsw or flat`, RangeError);
    s.index = o.index;
  }
  const h = pick(o, 'hnswConfig', 'hnsw');
  if (h !== undefined) {
    if (typeof h !== 'object' || Array.isArray(h)) throw typeError(`hnswConfig must be an object like {m: 16, efConstruction: 100, efSearch: 64}, got ${describe(h)}`);
    const m = pick(h, 'm');
    const efc = pick(h, 'efConstruction', 'ef_construction');
    const efs = pick(h, 'efSearch', 'ef_search');
    const seed = pick(h, 'seed');
    const maxEl = pick(h, 'maxElements', 'max_elements');
    s.hnsw = {
      m: m === undefined ? NaN : checkInt(m, 'hnsw m', 2, 256),
      efConstruction: efc === undefined ? NaN : checkInt(efc, 'hnsw efConstruction', 1, 65535),
      efSearch: efs === undefined ? NaN : checkInt(efs, 'hnsw efSearch', 1, 65535),
      seed: seed === undefined ? NaN : checkInt(seed, 'hnsw seed', 0, Number.MAX_SAFE_INTEGER),
    };
    // Accepted for compatibility and not used: the index grows on demand.
    if (maxEl !== undefined) checkInt(maxEl, 'hnsw maxElements', 0, Number.MAX_SAFE_INTEGER);
  }
  const path = pick(o, 'storagePath', 'path');
  if (path !== undefined && path !== '')
    throw rvError('UNSUPPORTED', 'storagePath is not available in @ruvector/wasm (in-memory only); persist with ' +
      'saveToIndexedDB(name) or serialize(), or use @ruvector/core in Node for a durable database');
  if (o.readOnly !== undefined && o.readOnly !== null && typeof o.readOnly !== 'boolean')
    throw typeError(`readOnly must be a boolean, got ${describe(o.readOnly)}`);
  // threads: accepted and ignored (the wasm build is single-threaded).
  if (o.threads !== undefined && o.threads !== null) checkInt(o.threads, 'threads', 0, 4096);
  return s;
}

function normId(id, what = 'id') {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  throw typeError(`${what} must be a string or a finite number, got ${describe(id)}`);
}

function checkVector(v, what) {
  if (v instanceof Float32Array || v instanceof Float64Array) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++)
      if (typeof v[i] !== 'number') throw typeError(`${what}[${i}] must be a number, got ${describe(v[i])}`);
    return v;
  }
  throw typeError(`${what} must be a Float32Array, a Float64Array or an array of numbers, got ${v === undefined ? 'undefined' : describe(v)}`);
}

function toJson(value, what) {
  let text;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw typeError(`${what} cannot be converted to JSON: ${e.message}`);
  }
  if (text === undefined) throw typeError(`${what} must be a plain object, got ${describe(value)}`);
  return text;
}

// Metadata must be a plain JSON object (null/undefined = none).
function metaJson(m, what) {
  if (typeof m !== 'object' || Array.isArray(m) || ArrayBuffer.isView(m))
    throw typeError(`${what} must be a plain object such as {genre: 'jazz'}, got ${describe(m)}`);
  return toJson(m, what);
}

function toBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw typeError(`snapshot bytes must be a Uint8Array, Buffer or ArrayBuffer, got ${describe(bytes)}`);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Builds the public API over a platform:
 *   platform.load(variant) -> Promise<EmscriptenModule>   variant: 'simd' | 'baseline'
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

  function ready() {
    if (M) return Promise.resolve(M);
    if (!loading) {
      variant = chooseVariant();
      if (!wasmExceptionsSupported()) {
        loading = Promise.reject(rvError('UNSUPPORTED',
          'this JavaScript engine lacks WebAssembly exception handling (Chrome 95+, Firefox 100+, Safari 15.2+, Node 17+)'));
      } else {
        loading = Promise.resolve().then(() => platform.load(variant)).then((m) => {
          M = m;
          return m;
        }, (e) => {
          loading = null;
          const err = rvError('UNSUPPORTED', `failed to load the ${variant} WebAssembly module: ${e && e.message ? e.message : e}`);
          err.cause = e;
          throw err;
        });
      }
    }
    return loading;
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
        throw rvError('RESOURCE_EXHAUSTED', `out of memory: cannot allocate ${bytes} bytes in the WebAssembly heap (the limit is 2 GB)`);
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
  // The engine's error, as @ruvector/core reports it: RangeError for INVALID_ARGUMENT
  // and DIMENSION_MISMATCH, Error for the rest; the message starts with the code.
  function lastError(context) {
    const n = M._rv_error_code();
    const code = CODE_NAMES[n] || 'INVALID_ARGUMENT';
    const msg = cstr(M._rv_error_message());
    return rvError(code, context ? `${context}: ${msg}` : msg, n === 1 || n === 2 ? RangeError : Error);
  }
  // Reads a hits header: {count, dims, scores, offsets, ids, meta, metaLen, vectors}.
  function readHits(hdr, withVector, withMeta) {
    const u32 = M.HEAPU32;
    const h = hdr >>> 2;
    const count = u32[h];
    const dims = u32[h + 1];
    const scores = u32[h + 2] >>> 2;
    const offs = u32[h + 3] >>> 2;
    const ids = u32[h + 4];
    const f32 = M.HEAPF32;
    const metas = withMeta && u32[h + 5] ? JSON.parse(readUtf8(u32[h + 5], u32[h + 6])) : null;
    const vecs = u32[h + 7] >>> 2;
    const out = new Array(count);
    for (let i = 0; i < count; i++) {
      const a = u32[offs + i];
      const r = { id: readUtf8(ids + a, u32[offs + i + 1] - a), score: f32[scores + i] };
      if (withVector) r.vector = f32.slice(vecs + i * dims, vecs + (i + 1) * dims);
      if (withMeta) r.metadata = metas[i];
      out[i] = r;
    }
    return out;
  }

  const registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry((handle) => { if (M) M._rv_close(handle); })
    : null;

  function openHandle(s) {
    // Strings for metric and index, NUL-terminated, in one scratch block.
    const need = 8 + 3 * ((s.metric || '').length + (s.index || '').length) + 2;
    const p = scratch(need);
    let q = p;
    let pm = 0;
    let pi = 0;
    if (s.metric) { pm = q; q += writeUtf8(s.metric, q); M.HEAPU8[q++] = 0; }
    if (s.index) { pi = q; q += writeUtf8(s.index, q); M.HEAPU8[q++] = 0; }
    const h = s.hnsw;
    const handle = M._rv_open(s.dimensions, pm, pi, h ? 1 : 0, h ? h.m : NaN, h ? h.efConstruction : NaN,
      h ? h.efSearch : NaN, h ? h.seed : NaN) >>> 0;
    if (!handle) throw lastError();
    return handle;
  }

  // Parses a search request: the options object, or the reference system's
  // positional (vector, k?, filter?) form, which includes vector and metadata.
  function searchArgs(args) {
    const a0 = args[0];
    if (a0 instanceof Float32Array || a0 instanceof Float64Array || Array.isArray(a0)) {
      return { vector: a0, k: args[1] === undefined ? 10 : args[1], filter: args[2], includeVector: true, includeMetadata: true };
    }
    if (!a0 || typeof a0 !== 'object') throw typeError(`search expects {vector, k, ...}, got ${describe(a0)}`);
    return a0;
  }

  function doSearch(handle, q, context) {
    if (!q || typeof q !== 'object') throw typeError(`${context || 'query'} must be an object like {vector, k}, got ${describe(q)}`);
    const vec = checkVector(q.vector, context ? `${context}.vector` : 'vector');
    const kq = pick(q, 'k', 'topK');
    const k = kq === undefined ? 10 : kq;
    if (typeof k !== 'number' || !Number.isInteger(k)) throw typeError(`k must be a positive integer, got ${describe(k)}`);
    if (k < 1) throw rvError('INVALID_ARGUMENT', `k must be at least 1, got ${k}`, RangeError);
    let ef = NaN;
    const efq = pick(q, 'efSearch', 'ef_search', 'ef');
    if (efq !== undefined) ef = checkInt(efq, 'efSearch', 1, 65535);
    let filterText = null;
    if (q.filter !== undefined && q.filter !== null) {
      if (typeof q.filter !== 'object' || Array.isArray(q.filter))
        throw typeError(`filter must be an object such as {genre: 'jazz'}, got ${describe(q.filter)}`);
      filterText = toJson(q.filter, 'filter');
    }
    const withVector = q.includeVector === true;
    const withMeta = q.includeMetadata === true;
    const n = vec.length;
    const fbytes = filterText === null ? 0 : 3 * filterText.length;
    const p = scratch(4 * n + fbytes + 8);
    M.HEAPF32.set(vec, p >>> 2);
    let fp = 0;
    let flen = -1;
    if (filterText !== null) { fp = p + 4 * n; flen = writeUtf8(filterText, fp); }
    const hdr = M._rv_search(handle, p, n, k, ef, fp, flen, (withVector ? 1 : 0) | (withMeta ? 2 : 0)) >>> 0;
    if (!hdr) throw lastError(context);
    return readHits(hdr, withVector, withMeta);
  }

  class VectorDb {
    /**
     * new VectorDb({dimensions, distanceMetric?, index?, hnswConfig?})
     * new VectorDB(dimensions, metric?, useHnsw?)   (the reference system's form)
     */
    constructor(...args) {
      const s = resolveOptions(args);
      this._s = s;
      this._h = 0;
      this._closed = false;
      this._pending = null;
      this._name = null;
      if (M) {
        this._adopt(openHandle(s));
      } else {
        this._pending = ready().then(() => {
          if (this._closed) return 0;
          this._adopt(openHandle(s));
          return this._h;
        });
        this._pending.catch(() => {});  // surfaced by the first method call
      }
    }

    _adopt(handle) {
      this._h = handle;
      this._pending = null;
      if (registry) registry.register(this, handle, this);
    }

    async _handle() {
      if (this._closed) throw closedError();
      if (this._h) return this._h;
      if (this._pending) {
        const h = await this._pending;
        if (this._closed || !h) throw closedError();
        return h;
      }
      throw closedError();
    }

    /** Vector length of this database. */
    get dimensions() { return this._s.dimensions; }

    /** Resolves with this database once it is open (the module loaded). */
    get ready() { return this._handle().then(() => this); }

    /** True after close(). */
    get closed() { return this._closed; }

    /** Creates a database and resolves once it is ready. */
    static async open(...args) {
      const db = new VectorDb(...args);
      await db._handle();
      return db;
    }

    /** Reference-system compatibility: a default HNSW cosine database. */
    static withDimensions(dimensions) {
      return new VectorDb({ dimensions });
    }

    /** Nothing to do in memory (kept for parity with @ruvector/core). */
    async checkpoint() {
      await this._handle();
    }

    /** Inserts or replaces one entry; resolves to its id. Also (vector, id?, metadata?). */
    async insert(entry, id, metadata) {
      const h = this._h || await this._handle();
      if (entry instanceof Float32Array || entry instanceof Float64Array || Array.isArray(entry)) entry = { vector: entry, id, metadata };
      if (!entry || typeof entry !== 'object') throw typeError(`insert expects {vector, id?, metadata?}, got ${describe(entry)}`);
      const vec = checkVector(entry.vector, 'vector');
      const eid = entry.id === undefined || entry.id === null ? null : normId(entry.id);
      const meta = entry.metadata === undefined || entry.metadata === null ? null : metaJson(entry.metadata, 'metadata');
      const n = vec.length;
      const p = scratch(4 * n + 3 * ((eid ? eid.length : 0) + (meta ? meta.length : 0)) + 8);
      M.HEAPF32.set(vec, p >>> 2);
      let q = p + 4 * n;
      let ip = 0, ilen = -1, mp = 0, mlen = -1;
      if (eid !== null) { ip = q; ilen = writeUtf8(eid, q); q += ilen; }
      if (meta !== null) { mp = q; mlen = writeUtf8(meta, q); }
      const r = M._rv_insert(h, ip, ilen, p, n, mp, mlen) >>> 0;
      if (!r) throw lastError();
      return eid !== null && eid !== '' ? eid : cstr(r);
    }

    /** All-or-nothing insert of many entries; resolves to their ids in order. */
    async insertBatch(entries) {
      const h = this._h || await this._handle();
      if (!Array.isArray(entries)) throw typeError(`insertBatch expects an array of entries, got ${describe(entries)}`);
      const count = entries.length;
      if (count === 0) return [];
      const vecs = new Array(count);
      const ids = new Array(count);
      let floats = 0;
      let idChars = 0;
      let anyMeta = false;
      for (let i = 0; i < count; i++) {
        const e = entries[i];
        if (!e || typeof e !== 'object') throw typeError(`entry ${i}: expected {vector, id?, metadata?}, got ${describe(e)}`);
        vecs[i] = checkVector(e.vector, `entry ${i}: vector`);
        floats += vecs[i].length;
        if (e.id !== undefined && e.id !== null) { ids[i] = normId(e.id, `entry ${i}: id`); idChars += ids[i].length; }
        else ids[i] = null;
        if (e.metadata !== undefined && e.metadata !== null) anyMeta = true;
      }
      let metaText = null;
      if (anyMeta) {
        const parts = new Array(count);
        for (let i = 0; i < count; i++) {
          const m = entries[i].metadata;
          parts[i] = m === undefined || m === null ? 'null' : metaJson(m, `entry ${i}: metadata`);
        }
        metaText = '[' + parts.join(',') + ']';
      }
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
          f32.set(vecs[i], at);
          at += vecs[i].length;
          u32[(lensp >>> 2) + i] = vecs[i].length;
        }
        for (let i = 0; i < count; i++) {
          if (ids[i] === null) { u32[(idlensp >>> 2) + i] = 0xFFFFFFFF; continue; }
          const w = writeUtf8(ids[i], q);
          M.HEAPU32[(idlensp >>> 2) + i] = w;
          q += w;
        }
        let mp = 0, mlen = -1;
        if (metaText !== null) { mp = q; mlen = writeUtf8(metaText, q); }
        const hdr = M._rv_insert_batch(h, count, vp, lensp, idp, idlensp, mp, mlen) >>> 0;
        if (!hdr) throw lastError();
        const hu = M.HEAPU32;
        const hh = hdr >>> 2;
        const n = hu[hh];
        const offs = hu[hh + 3] >>> 2;
        const base = hu[hh + 4];
        const out = new Array(n);
        for (let i = 0; i < n; i++) {
          out[i] = ids[i] !== null && ids[i] !== '' ? ids[i] : readUtf8(base + hu[offs + i], hu[offs + i + 1] - hu[offs + i]);
        }
        return out;
      } finally {
        shrinkScratch();
      }
    }

    /**
     * search({vector, k = 10, efSearch?, filter?, includeVector?, includeMetadata?})
     * -> [{id, score, vector?, metadata?}] sorted by ascending score (a distance).
     * Also search(vector, k?, filter?) (reference form; includes vector and metadata).
     */
    async search(...args) {
      const h = this._h || await this._handle();
      return doSearch(h, searchArgs(args));
    }

    /** One result list per query; fails as a whole on the first invalid query. */
    async searchBatch(queries) {
      const h = this._h || await this._handle();
      if (!Array.isArray(queries)) throw typeError(`searchBatch expects an array of queries, got ${describe(queries)}`);
      const out = new Array(queries.length);
      for (let i = 0; i < queries.length; i++) out[i] = doSearch(h, queries[i], `query ${i}`);
      return out;
    }

    /** {id, vector, metadata?} or null when absent. */
    async get(id) {
      const h = this._h || await this._handle();
      const s = normId(id);
      const p = scratch(3 * s.length + 8);
      const len = writeUtf8(s, p);
      const hdr = M._rv_get(h, p, len) >>> 0;
      if (!hdr) throw lastError();
      const r = readHits(hdr, true, true);
      if (r.length === 0) return null;
      return { id: r[0].id, vector: r[0].vector, metadata: r[0].metadata };
    }

    /** true when the id existed and was removed, false when it was absent. */
    async delete(id) {
      const h = this._h || await this._handle();
      const s = normId(id);
      const p = scratch(3 * s.length + 8);
      const len = writeUtf8(s, p);
      const r = M._rv_remove(h, p, len);
      if (r < 0) throw lastError();
      return r === 1;
    }

    async len() {
      const h = this._h || await this._handle();
      return M._rv_size(h);
    }

    async isEmpty() {
      return (await this.len()) === 0;
    }

    /** Settings and counters (as @ruvector/core), plus simdLevel. */
    async info() {
      const h = this._h || await this._handle();
      const p = M._rv_info(h) >>> 0;
      if (!p) throw lastError();
      const i = JSON.parse(cstr(p));
      i.simdLevel = cstr(M._rv_simd_level());
      return i;
    }

    /** The portable snapshot (docs/file-format.md) as bytes. */
    async serialize() {
      const h = this._h || await this._handle();
      return withSnapshot(h, (p, len) => M.HEAPU8.slice(p, p + len));
    }

    /**
     * Loads a snapshot (from any face of ruvector) into a new in-memory database.
     * Settings come from the snapshot; `options` that contradict them are INVALID_ARGUMENT.
     */
    static async deserialize(bytes, options) {
      const b = toBytes(bytes);
      await ready();
      const db = fromSnapshotBytes([b], b.byteLength);
      if (options !== undefined && options !== null) checkAgainst(db, options);
      return db;
    }

    /** Saves the snapshot into IndexedDB under `name` (default: the name it was loaded from, else 'default'). */
    async saveToIndexedDB(name) {
      const h = this._h || await this._handle();
      const n = name === undefined || name === null ? (this._name || 'default') : checkName(name);
      const info = JSON.parse(cstr(M._rv_info(h)));
      const manifest = await idbSave(n, (putChunks) => withSnapshot(h, (p, len) => putChunks(len, (start, end) => M.HEAPU8.slice(p + start, p + end))), {
        dimensions: info.dimensions, metric: info.metric, index: info.index, count: info.count, engine: cstr(M._rv_version()),
      });
      this._name = n;
      return manifest;
    }

    /** A database saved with saveToIndexedDB(name); NOT_FOUND when there is none. */
    static async loadFromIndexedDB(name) {
      const n = checkName(name);
      await ready();
      const { chunks, bytes } = await idbLoad(n);
      const db = fromSnapshotBytes(chunks, bytes);
      db._name = n;
      return db;
    }

    static listIndexedDB() { return listIndexedDB(); }
    static deleteIndexedDB(name) { return deleteIndexedDB(name); }

    /** Frees the database now (also done by the garbage collector if forgotten). */
    async close() {
      if (this._closed) return;
      this._closed = true;
      if (this._h) {
        if (registry) registry.unregister(this);
        M._rv_close(this._h);
        this._h = 0;
      }
    }
  }

  // deserialize(bytes, options): options may only repeat what the snapshot holds.
  function checkAgainst(db, options) {
    if (typeof options !== 'object' || Array.isArray(options)) throw typeError(`options must be an object, got ${describe(options)}`);
    const path = pick(options, 'storagePath', 'path');
    const info = JSON.parse(cstr(M._rv_info(db._h)));
    let why = null;
    if (path !== undefined && path !== '') {
      db.close();
      throw rvError('UNSUPPORTED', 'storagePath is not available in @ruvector/wasm (in-memory only)');
    }
    const dims = pick(options, 'dimensions', 'dimension');
    if (dims !== undefined && dims !== info.dimensions) why = `dimensions ${dims} contradicts the snapshot's ${info.dimensions}`;
    const metric = pick(options, 'distanceMetric', 'metric');
    if (!why && metric !== undefined) {
      const norm = String(metric).replace(/[_\- ]/g, '').toLowerCase();
      const canon = { l2: 'euclidean', dotproduct: 'dot', innerproduct: 'dot', ip: 'dot', l1: 'manhattan' }[norm] || norm;
      if (canon !== info.metric) why = `metric '${metric}' contradicts the snapshot's '${info.metric}'`;
    }
    if (!why && options.index !== undefined && options.index !== null) {
      const k = String(options.index).toLowerCase();
      if ((k === 'hnsw' ? 'hnsw' : 'flat') !== info.index) why = `index '${options.index}' contradicts the snapshot's '${info.index}'`;
    }
    if (why) {
      db.close();
      throw rvError('INVALID_ARGUMENT', why, RangeError);
    }
  }

  function checkName(name) {
    if (typeof name !== 'string' || name === '') throw typeError(`the IndexedDB name must be a non-empty string, got ${describe(name)}`);
    return name;
  }

  // Runs fn(ptr, len) over the engine's snapshot bytes, then releases them.
  function withSnapshot(h, fn) {
    const p = M._rv_serialize(h) >>> 0;
    if (!p) throw lastError('serialize');
    try {
      return fn(p, M._rv_bytes_len());
    } finally {
      M._rv_release();
    }
  }

  // Copies the chunks end to end into wasm memory and deserializes.
  function fromSnapshotBytes(chunks, total) {
    const p = M._malloc(Math.max(total, 1)) >>> 0;
    if (!p) throw rvError('RESOURCE_EXHAUSTED', `out of memory: cannot allocate ${total} bytes for the snapshot in the WebAssembly heap`);
    try {
      let at = p;
      for (const c of chunks) {
        M.HEAPU8.set(c, at);
        at += c.byteLength;
      }
      const handle = M._rv_deserialize(p, total) >>> 0;
      if (!handle) throw lastError('deserialize');
      M._rv_release();
      const info = JSON.parse(cstr(M._rv_info(handle)));
      const db = Object.create(VectorDb.prototype);
      db._s = { dimensions: info.dimensions, metric: info.metric, index: info.index };
      db._closed = false;
      db._pending = null;
      db._name = null;
      db._adopt(handle);
      return db;
    } finally {
      M._free(p);
    }
  }

  async function listIndexedDB() {
    return idbList();
  }
  async function deleteIndexedDB(name) {
    return idbDelete(checkName(name));
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
    checkInt(iterations, 'iterations', 1, 10_000_000);
    checkInt(dimensions, 'dimensions', 1, MAX_DIMENSIONS);
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
    if (!['auto', 'simd', 'baseline'].includes(name)) throw typeError(`backend must be 'auto', 'simd' or 'baseline', got ${describe(name)}`);
    const want = name === 'auto' ? (wasmSimdSupported() ? 'simd' : 'baseline') : name;
    if ((M || loading) && variant !== want)
      throw rvError('INVALID_ARGUMENT', `the ${variant} module is already loaded; call setBackend('${name}') before the first database is created`);
    forced = name;
  }

  return {
    VectorDb,
    VectorDB: VectorDb,
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
    listIndexedDB,
    deleteIndexedDB,
    wasmSimdSupported,
    capabilities: { durable: false, indexedDB: true, threads: false, hnsw: true, wasm: true },
  };
}
