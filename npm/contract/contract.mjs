// The ruvector JavaScript contract: the one definition of what every JS face accepts and
// returns. @ruvector/core (Node addon), @ruvector/wasm (and its worker client) and, through
// them, the `ruvector` facade all call these functions; the bindings below them only
// marshal. Decisions and their reasons: docs/js-contract.md.
//
// What lives here: option names and aliases, typo detection, the JS-type checks (TypeError),
// the JS-number-to-integer marshalling rules (RangeError), metadata and filter conversion
// (JSON.stringify semantics), the positional (reference-system) call forms, the shape of
// results, records and info(), and the error classes. What does NOT live here: defaults and
// value ranges of engine settings (dimensions 1..65536, m, efConstruction, ...), metric and
// index names, vector checks (length, NaN/Inf): the engine owns those and reports them with
// a code, which errorFromEngine() turns into the right JS class.
//
// This file is plain ESM without imports. It is copied into @ruvector/wasm (src/contract.mjs)
// and compiled to CommonJS for @ruvector/core (lib/contract.cjs) by npm/contract/build.mjs;
// keep it to top-level `export function|const|class` declarations.

/** Stable error codes (the engine's StatusCode names). */
export const ERROR_CODES = Object.freeze([
  'OK', 'INVALID_ARGUMENT', 'DIMENSION_MISMATCH', 'NOT_FOUND', 'ALREADY_EXISTS', 'CORRUPTION', 'IO_ERROR',
  'UNSUPPORTED', 'RESOURCE_EXHAUSTED', 'LOCKED', 'INTERNAL',
]);

/**
 * The one error constructor. `kind`: 'type' -> TypeError (a value of the wrong JS type),
 * 'range' -> RangeError (a value of the right type outside its domain), 'error' -> Error.
 * Without `kind`, the class follows the code: INVALID_ARGUMENT and DIMENSION_MISMATCH are
 * RangeError, every other code an Error. The message starts with the code.
 */
export function makeError(code, message, kind) {
  const Ctor = kind === 'type' ? TypeError
    : kind === 'range' ? RangeError
      : kind === 'error' ? Error
        : (code === 'INVALID_ARGUMENT' || code === 'DIMENSION_MISMATCH' ? RangeError : Error);
  const text = String(message);
  const e = new Ctor(text.startsWith(code + ': ') ? text : `${code}: ${text}`);
  e.code = code;
  return e;
}

/** An engine status (numeric code or name, and its message) as a JS error. */
export function errorFromEngine(code, message) {
  const name = typeof code === 'number' ? (ERROR_CODES[code] || 'INTERNAL') : String(code);
  return makeError(name, message);
}

export function typeError(message) {
  return makeError('INVALID_ARGUMENT', message, 'type');
}
export function rangeError(message) {
  return makeError('INVALID_ARGUMENT', message, 'range');
}
/** What every call on a closed database throws or rejects with. */
export function closedError() {
  return makeError('INVALID_ARGUMENT', 'the database is closed; open a new VectorDb to use it again', 'error');
}

/** A short description of a value for error messages. */
export function describeValue(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 40) + '...' : v}'`;
  if (typeof v === 'bigint') return `bigint ${v}n`;
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'object') {
    let name = null;
    try { name = v.constructor && v.constructor.name; } catch { name = null; }
    return name ? `a ${name}` : 'an object';
  }
  return `${typeof v} ${String(v)}`;
}

// ---- typo detection -------------------------------------------------------------------

// Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps), case-insensitive.
function editDistance(a, b) {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 2) return 3;
  const d = [];
  for (let i = 0; i <= m; i++) d.push(new Array(n + 1).fill(0));
  for (let i = 0; i <= m; i++) d[i][0] = i;
  for (let j = 0; j <= n; j++) d[0][j] = j;
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[m][n];
}

// The known key an unknown key is a likely misspelling of, or null. Keys of 4 or more
// characters within edit distance 2 (1 for keys of 4-5 characters) count as typos.
function likelyTypo(key, known) {
  if (key.length < 4) return null;
  let best = null;
  let bestD = 3;
  for (const k of known) {
    if (k.length < 4) continue;
    const limit = Math.min(k.length, key.length) <= 5 ? 1 : 2;
    const dist = editDistance(key, k);
    if (dist <= limit && dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  return best;
}

// Unknown keys of `o`: a likely typo of a known key is an error naming the intended key;
// other unknown keys are returned (the caller ignores them, and info() lists them).
function unknownKeys(o, knownSet, knownList, where, suggestPrefix = '') {
  let ignored = null;
  for (const key of Object.keys(o)) {
    if (knownSet.has(key)) continue;
    const typo = likelyTypo(key, knownList);
    if (typo !== null)
      throw rangeError(`unknown ${where} '${key}': did you mean '${suggestPrefix}${typo}'?`);
    (ignored || (ignored = [])).push(key);
  }
  return ignored;
}

// ---- values ---------------------------------------------------------------------------

function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer);
}

// The first present (not undefined/null) of several alias keys. Two aliases with different
// values are an error.
function pickAlias(o, names, where) {
  let found;
  let foundName;
  for (const n of names) {
    const v = o[n];
    if (v === undefined || v === null) continue;
    if (found === undefined) {
      found = v;
      foundName = n;
    } else if (v !== found) {
      throw rangeError(`${where}: '${foundName}' and '${n}' are the same setting with different values (${describeValue(found)} vs ${describeValue(v)})`);
    }
  }
  return found;
}

// A JS number the engine reads as an unsigned integer: finite, whole, >= min. The engine
// decides the real range and reports it with its own code.
function wholeNumber(v, what, min = 0) {
  if (typeof v !== 'number') throw typeError(`${what} must be a number, got ${describeValue(v)}`);
  if (!Number.isFinite(v)) throw rangeError(`${what} must be a finite number, got ${v}`);
  if (!Number.isInteger(v)) throw rangeError(`${what} must be a whole number, got ${v}`);
  if (v < min) throw rangeError(min === 0 ? `${what} must not be negative, got ${v}` : `${what} must be at least ${min}, got ${v}`);
  return v;
}

// The number of results: as wholeNumber, and any k above 2^32 - 1 means "all of them".
function resultCount(v, what) {
  const k = wholeNumber(v, what, 1);
  return k > 4294967295 ? 4294967295 : k;
}

function optionalBoolean(v, what) {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw typeError(`${what} must be true or false, got ${describeValue(v)}`);
  return v;
}

// ---- database options -----------------------------------------------------------------

const OPTION_ALIASES = {
  dimensions: ['dimensions', 'dimension'],
  metric: ['metric', 'distanceMetric'],
  index: ['index'],
  storagePath: ['storagePath', 'path'],
  readOnly: ['readOnly'],
  threads: ['threads'],
  hnsw: ['hnswConfig', 'hnsw'],
  quantization: ['quantization'],
  rescore: ['rescore'],
  floats: ['floats'],
  metadataAs: ['metadataAs'],
};
const HNSW_ALIASES = {
  m: ['m'],
  efConstruction: ['efConstruction', 'ef_construction'],
  efSearch: ['efSearch', 'ef_search'],
  maxElements: ['maxElements', 'max_elements'],
  seed: ['seed'],
};
const HNSW_KEYS = Object.values(HNSW_ALIASES).flat();
const HNSW_KEY_SET = new Set(HNSW_KEYS);
// Top-level HNSW keys (as the reference's README shows them) count as hnswConfig members.
const OPTION_KEYS = Object.values(OPTION_ALIASES).flat().concat(HNSW_KEYS);
const OPTION_KEY_SET = new Set(OPTION_KEYS);

const QUANTIZATION_TYPES = { none: 'none', scalar: 'int8', int8: 'int8', binary: 'binary', product: 'product' };

function quantizationName(q) {
  const raw = isPlainObject(q) ? q.type : q;
  if (typeof raw !== 'string')
    throw typeError(`quantization must be 'none', 'int8' or 'binary' (or {type: 'none' | 'scalar' | 'binary'}), got ${describeValue(raw)}`);
  const name = QUANTIZATION_TYPES[raw.toLowerCase()];
  if (name === undefined)
    throw rangeError(`unknown quantization '${raw}', expected 'none', 'int8' (alias 'scalar') or 'binary'`);
  return name;
}

/**
 * new VectorDb(options) | new VectorDb(dimensions, metric?, useHnsw?) -> the options the
 * engine reads (canonical keys, see include/ruvector/options_json.h) plus what the JS layer
 * keeps: {engine, storagePath, metadataAs, ignored}.
 * `face.durable` false: a storagePath is UNSUPPORTED (the wasm build is memory-only).
 */
export function resolveOpenOptions(args, face) {
  let o;
  const a0 = args[0];
  if (typeof a0 === 'number') {
    o = { dimensions: a0 };
    if (args[1] !== undefined && args[1] !== null) o.metric = args[1];
    const useHnsw = optionalBoolean(args[2], 'useHnsw (the third argument)');
    if (useHnsw !== undefined) o.index = useHnsw ? 'hnsw' : 'flat';
  } else if (isPlainObject(a0)) {
    o = a0;
  } else {
    throw typeError(`VectorDb expects an options object such as {dimensions: 128}, or (dimensions, metric?, useHnsw?); got ${describeValue(a0)}`);
  }
  const ignored = unknownKeys(o, OPTION_KEY_SET, OPTION_KEYS, 'option') || [];
  const engine = {};
  const dims = pickAlias(o, OPTION_ALIASES.dimensions, 'options');
  if (dims !== undefined) engine.dimensions = wholeNumber(dims, 'dimensions');
  const metric = pickAlias(o, OPTION_ALIASES.metric, 'options');
  if (metric !== undefined) {
    if (typeof metric !== 'string') throw typeError(`metric must be a string such as 'cosine', got ${describeValue(metric)}`);
    engine.metric = metric;
  }
  if (o.index !== undefined && o.index !== null) {
    if (typeof o.index !== 'string') throw typeError(`index must be 'hnsw' or 'flat', got ${describeValue(o.index)}`);
    engine.index = o.index;
  }
  let storagePath = pickAlias(o, OPTION_ALIASES.storagePath, 'options');
  if (storagePath !== undefined) {
    if (typeof storagePath !== 'string') throw typeError(`storagePath must be a string, got ${describeValue(storagePath)}`);
    if (storagePath === '' || storagePath === ':memory:') storagePath = undefined;
  }
  if (storagePath !== undefined) {
    if (!face.durable)
      throw makeError('UNSUPPORTED', `storagePath is not available in ${face.name} (in-memory only); persist with ` +
        'serialize() or saveToIndexedDB(name), or use the native addon (@ruvector/core) in Node for a durable database');
    engine.storagePath = storagePath;
  }
  const readOnly = optionalBoolean(o.readOnly, 'readOnly');
  if (readOnly !== undefined) engine.readOnly = readOnly;
  if (o.threads !== undefined && o.threads !== null) engine.threads = wholeNumber(o.threads, 'threads');

  const h = pickAlias(o, OPTION_ALIASES.hnsw, 'options');
  let hnsw = null;
  if (h !== undefined) {
    if (!isPlainObject(h)) throw typeError(`hnswConfig must be an object such as {m: 16, efConstruction: 40, efSearch: 100}, got ${describeValue(h)}`);
    const hIgnored = unknownKeys(h, HNSW_KEY_SET, HNSW_KEYS, 'hnswConfig option', '');
    if (hIgnored) for (const k of hIgnored) ignored.push(`hnswConfig.${k}`);
    hnsw = readHnsw(h, 'hnswConfig');
  }
  const top = readHnsw(o, 'options');
  if (top !== null) hnsw = Object.assign(top, hnsw || {});
  if (hnsw !== null) engine.hnsw = hnsw;

  if (o.quantization !== undefined && o.quantization !== null) {
    const q = quantizationName(o.quantization);
    if (q !== 'none') engine.quantization = q;
  }
  if (o.rescore !== undefined && o.rescore !== null) engine.rescore = wholeNumber(o.rescore, 'rescore');
  // Where the floats of a quantized database live: 'memory' | 'store' | 'drop' (the engine checks).
  if (o.floats !== undefined && o.floats !== null) {
    if (typeof o.floats !== 'string') throw typeError(`floats must be 'memory', 'store' or 'drop', got ${describeValue(o.floats)}`);
    engine.floats = o.floats;
  }
  let metadataAs = 'auto';
  if (o.metadataAs !== undefined && o.metadataAs !== null) {
    if (o.metadataAs !== 'object' && o.metadataAs !== 'string')
      throw rangeError(`metadataAs must be 'object' or 'string', got ${describeValue(o.metadataAs)}`);
    metadataAs = o.metadataAs;
  }
  return { engine, storagePath, metadataAs, ignored };
}

// HNSW members of `o` (hnswConfig, or top-level keys) -> {m, efConstruction, ...} or null.
function readHnsw(o, where) {
  let out = null;
  for (const [canon, names] of Object.entries(HNSW_ALIASES)) {
    const v = pickAlias(o, names, where);
    if (v === undefined) continue;
    (out || (out = {}))[canon] = canon === 'maxElements' || canon === 'seed'
      ? safeWhole(v, `hnswConfig.${canon}`)
      : wholeNumber(v, `hnswConfig.${canon}`);
  }
  return out;
}

function safeWhole(v, what) {
  if (typeof v !== 'number') throw typeError(`${what} must be a number, got ${describeValue(v)}`);
  if (!Number.isSafeInteger(v) || v < 0) throw rangeError(`${what} must be a whole number from 0 to 2^53 - 1, got ${v}`);
  return v;
}

/**
 * deserialize(bytes, options?): options may only repeat what the snapshot holds; returns the
 * engine options to check against it (canonical keys) and the JS-side settings.
 */
export function resolveSnapshotOptions(options, face) {
  if (options === undefined || options === null) return { engine: {}, storagePath: undefined, metadataAs: 'auto', ignored: [] };
  return resolveOpenOptions([options], face);
}

/** Snapshot bytes: Uint8Array, Buffer, any ArrayBuffer view or an ArrayBuffer. */
export function snapshotBytes(bytes) {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  if (ArrayBuffer.isView(bytes)) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  throw typeError(`snapshot bytes must be a Uint8Array, Buffer or ArrayBuffer, got ${describeValue(bytes)}`);
}

// ---- entries --------------------------------------------------------------------------

const ENTRY_KEYS = ['id', 'vector', 'metadata'];
const ENTRY_KEY_SET = new Set(ENTRY_KEYS);

/** A vector argument as a Float32Array (Float32Array passes through without a copy). */
export function toVector(v, what) {
  if (v instanceof Float32Array) return v;
  if (Array.isArray(v)) {
    const n = v.length;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const x = v[i];
      if (typeof x !== 'number') throw typeError(`${what}[${i}] must be a number, got ${describeValue(x)}`);
      out[i] = x;
    }
    return out;
  }
  if (v instanceof Float64Array) return Float32Array.from(v);
  throw typeError(`${what} must be a Float32Array, a Float64Array or an array of numbers, got ${describeValue(v)}`);
}

/** Ids: strings, or finite numbers as their decimal string. */
export function toId(id, what = 'id') {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  throw typeError(`${what} must be a string or a finite number, got ${describeValue(id)}`);
}

/**
 * Metadata -> JSON text of an object, or null for none. Objects follow JSON.stringify
 * (Date -> ISO string, undefined members dropped, toJSON honoured); what JSON.stringify
 * refuses (cycles, BigInt) is a TypeError. A string must be the JSON text of an object.
 * Returns {text, fromString}.
 */
export function metadataText(m, what = 'metadata') {
  if (m === undefined || m === null) return null;
  if (typeof m === 'string') {
    let parsed;
    try {
      parsed = JSON.parse(m);
    } catch (e) {
      throw rangeError(`${what} is a string but not JSON text (${e.message}); pass an object or the JSON text of one`);
    }
    if (!isPlainObject(parsed)) throw rangeError(`${what} must be the JSON text of an object, got ${describeValue(parsed)}`);
    return m;
  }
  if (!isPlainObject(m) || typeof m === 'function')
    throw typeError(`${what} must be an object such as {genre: 'jazz'} (or its JSON text), got ${describeValue(m)}`);
  let text;
  try {
    text = JSON.stringify(m);
  } catch (e) {
    throw typeError(`${what} cannot be converted to JSON: ${e.message}`);
  }
  if (typeof text !== 'string' || text.charCodeAt(0) !== 123 /* { */)
    throw typeError(`${what} must convert to a JSON object, got ${describeValue(m)}`);
  return text;
}

/**
 * insert(entry) | insert(vector, id?, metadata?) -> {id: string|null, vector, meta: string|null,
 * metaIsString}. id null: the engine generates a UUID v4.
 */
export function resolveEntry(args) {
  const a0 = args[0];
  if (a0 instanceof Float32Array || a0 instanceof Float64Array || Array.isArray(a0))
    return entryParts({ vector: a0, id: args[1], metadata: args[2] }, '');
  if (!isPlainObject(a0)) throw typeError(`insert expects {vector, id?, metadata?} or (vector, id?, metadata?), got ${describeValue(a0)}`);
  return entryParts(a0, '');
}

function entryParts(e, where) {
  unknownKeys(e, ENTRY_KEY_SET, ENTRY_KEYS, `${where}entry key`);
  const vector = toVector(e.vector, `${where}vector`);
  const id = e.id === undefined || e.id === null ? null : toId(e.id, `${where}id`);
  const meta = metadataText(e.metadata, `${where}metadata`);
  return { id, vector, meta, metaIsString: typeof e.metadata === 'string' };
}

/** insertBatch(entries) -> the parts of every entry; errors name the position ("entry 3: ..."). */
export function resolveEntries(entries) {
  if (!Array.isArray(entries)) throw typeError(`insertBatch expects an array of {vector, id?, metadata?}, got ${describeValue(entries)}`);
  const n = entries.length;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const e = entries[i];
    if (!isPlainObject(e)) throw typeError(`entry ${i}: expected {vector, id?, metadata?}, got ${describeValue(e)}`);
    out[i] = entryParts(e, `entry ${i}: `);
  }
  return out;
}

const BATCH_OPTION_KEYS = ['batchSize', 'progressCallback'];
const BATCH_OPTION_KEY_SET = new Set(BATCH_OPTION_KEYS);
/** Entries a chunked insertBatch inserts per engine call unless batchSize says otherwise. */
export const DEFAULT_BATCH_SIZE = 1000;

/**
 * insertBatch's options -> {size, progress} for a chunked insert, or null for one
 * all-or-nothing call (no options, or neither key given).
 */
export function resolveBatchOptions(options) {
  if (options === undefined || options === null) return null;
  if (!isPlainObject(options)) throw typeError(`insertBatch options must be an object, got ${describeValue(options)}`);
  unknownKeys(options, BATCH_OPTION_KEY_SET, BATCH_OPTION_KEYS, 'insertBatch option');
  const { batchSize, progressCallback } = options;
  if (batchSize === undefined && progressCallback === undefined) return null;
  if (progressCallback !== undefined && typeof progressCallback !== 'function')
    throw typeError(`progressCallback must be a function, got ${describeValue(progressCallback)}`);
  return {
    size: batchSize === undefined ? DEFAULT_BATCH_SIZE : wholeNumber(batchSize, 'batchSize', 1),
    progress: progressCallback === undefined ? null : progressCallback,
  };
}

/**
 * The error of the chunk starting at entry `start` of a chunked insertBatch, naming the
 * entry by its position in the whole batch (the engine names it within the chunk, or not
 * at all in a one-entry chunk), with `inserted`: how many entries earlier chunks inserted.
 */
export function chunkError(err, start, chunkLength, inserted) {
  if (err && typeof err.message === 'string' && typeof err.code === 'string') {
    const prefix = `${err.code}: `;
    const body = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    const named = /^entry (\d+): /.exec(body);
    if (named) err.message = `${prefix}entry ${start + Number(named[1])}: ${body.slice(named[0].length)}`;
    else if (chunkLength === 1) err.message = `${prefix}entry ${start}: ${body}`;
  }
  if (err && typeof err === 'object') err.inserted = inserted;
  return err;
}

// ---- queries --------------------------------------------------------------------------

const QUERY_ALIASES = {
  k: ['k', 'topK'],
  efSearch: ['efSearch', 'ef_search', 'ef'],
};
const QUERY_KEYS = ['vector', 'filter', 'includeVector', 'includeMetadata', 'threshold', 'rescore'].concat(
  QUERY_ALIASES.k, QUERY_ALIASES.efSearch);
const QUERY_KEY_SET = new Set(QUERY_KEYS);

/** Default number of results. */
export const DEFAULT_K = 10;

function queryParts(q, where) {
  unknownKeys(q, QUERY_KEY_SET, QUERY_KEYS, `${where}query key`);
  const vector = toVector(q.vector, `${where}vector`);
  const kq = pickAlias(q, QUERY_ALIASES.k, `${where}query`);
  const k = kq === undefined ? DEFAULT_K : resultCount(kq, `${where}k`);
  const efq = pickAlias(q, QUERY_ALIASES.efSearch, `${where}query`);
  const efSearch = efq === undefined ? 0 : wholeNumber(efq, `${where}efSearch`, 1);
  if (efSearch > 4294967295) throw rangeError(`${where}efSearch is too large: ${efSearch}`);
  let filter = null;
  const f = q.filter;
  if (f !== undefined && f !== null) {
    if (typeof f === 'string') {
      let parsed;
      try {
        parsed = JSON.parse(f);
      } catch (e) {
        throw rangeError(`${where}filter is a string but not JSON text (${e.message})`);
      }
      if (!isPlainObject(parsed)) throw rangeError(`${where}filter must be the JSON text of an object, got ${describeValue(parsed)}`);
      filter = f;
    } else if (isPlainObject(f)) {
      try {
        filter = JSON.stringify(f);
      } catch (e) {
        throw typeError(`${where}filter cannot be converted to JSON: ${e.message}`);
      }
    } else {
      throw typeError(`${where}filter must be an object such as {genre: 'jazz'} (or its JSON text), got ${describeValue(f)}`);
    }
  }
  const includeVector = optionalBoolean(q.includeVector, `${where}includeVector`) === true;
  const includeMetadata = optionalBoolean(q.includeMetadata, `${where}includeMetadata`) !== false;
  let threshold = Infinity;
  if (q.threshold !== undefined && q.threshold !== null) {
    if (typeof q.threshold !== 'number') throw typeError(`${where}threshold must be a number, got ${describeValue(q.threshold)}`);
    if (Number.isNaN(q.threshold)) throw rangeError(`${where}threshold must not be NaN`);
    threshold = q.threshold;
  }
  // rescore: -1 = the database's re-ranking factor (only quantized databases use it).
  const rescore = q.rescore === undefined || q.rescore === null ? -1 : wholeNumber(q.rescore, `${where}rescore`);
  if (rescore > 2147483647) throw rangeError(`${where}rescore is too large: ${rescore}`);
  return { vector, k, efSearch, filter, includeVector, includeMetadata, threshold, rescore };
}

/**
 * search(query) | search(vector, k?, filter?) -> {vector, k, efSearch (0 = the database's),
 * filter: JSON text | null, includeVector, includeMetadata, threshold (hits scoring above it are
 * dropped; Infinity = none)}. The positional form (the reference
 * wasm API) returns the vector and the metadata with each hit.
 */
export function resolveSearch(args) {
  const a0 = args[0];
  if (a0 instanceof Float32Array || a0 instanceof Float64Array || Array.isArray(a0)) {
    const q = { vector: a0, includeVector: true, includeMetadata: true };
    if (args[1] !== undefined && args[1] !== null) q.k = args[1];
    if (args[2] !== undefined && args[2] !== null) q.filter = args[2];
    return queryParts(q, '');
  }
  if (!isPlainObject(a0)) throw typeError(`search expects {vector, k?, filter?, ...} or (vector, k?, filter?), got ${describeValue(a0)}`);
  return queryParts(a0, '');
}

/** searchBatch(queries) -> the parts of every query; errors name the position. */
export function resolveQueries(queries) {
  if (!Array.isArray(queries)) throw typeError(`searchBatch expects an array of queries, got ${describeValue(queries)}`);
  const out = new Array(queries.length);
  for (let i = 0; i < queries.length; i++) {
    const q = queries[i];
    if (!isPlainObject(q)) throw typeError(`query ${i}: expected {vector, k?, ...}, got ${describeValue(q)}`);
    out[i] = queryParts(q, `query ${i}: `);
  }
  return out;
}

// ---- results --------------------------------------------------------------------------

// The result classes are shared by every copy of this file loaded in one JS realm (core
// and wasm each carry a copy): the first copy registers them under a global symbol and the
// others reuse them, so hits from either backend are instances of the same classes (and
// compare equal with assert.deepStrictEqual). Keyed by CONTRACT_VERSION: a copy with other
// result classes registers its own.
const CONTRACT_VERSION = 1;
const RESULT_CLASSES = Symbol.for(`ruvector.contract.v${CONTRACT_VERSION}.resultClasses`);

function defineResultClasses() {
  /**
   * One search hit: {id, score, distance, metadata?} with `vector` as a lazily read property
   * (read from the database at first access and cached) unless the query asked for it, in
   * which case it is an own property. `score` and `distance` are the same number: a distance,
   * lower is better.
   */
  class SearchHit {
    #read;
    #vector;
    constructor(id, score, metadata, read) {
      this.id = id;
      this.score = score;
      this.distance = score;
      // Set here, not after construction: V8 keeps the field in the object (no shape change).
      if (metadata !== undefined) this.metadata = metadata;
      this.#read = read;
      this.#vector = undefined;
    }
    get vector() {
      if (this.#vector === undefined) this.#vector = this.#read(this.id);
      return this.#vector;
    }
  }

  /** A hit that carries its vector as an own property (includeVector: true). */
  class SearchHitWithVector {
    constructor(id, score, vector, metadata) {
      this.id = id;
      this.score = score;
      this.distance = score;
      this.vector = vector;
      if (metadata !== undefined) this.metadata = metadata;
    }
  }
  return { SearchHit, SearchHitWithVector };
}

function resultClasses() {
  const g = globalThis;
  if (!g[RESULT_CLASSES]) Object.defineProperty(g, RESULT_CLASSES, { value: defineResultClasses() });
  return g[RESULT_CLASSES];
}


/**
 * Result objects from a face's raw hits: ids (string[]), scores (numbers), metadata (parsed
 * values or null per hit, or null when not asked), vectors (Float32Array per hit, or null
 * when not asked), readVector(id) -> Float32Array | undefined for the lazy property. Hits
 * come sorted by ascending score; those scoring above `threshold` are dropped.
 */
export function buildHits(ids, scores, metadata, vectors, readVector, metaAsString, threshold = Infinity) {
  const { SearchHit, SearchHitWithVector } = resultClasses();
  let n = ids.length;
  if (threshold !== Infinity) while (n > 0 && scores[n - 1] > threshold) n--;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    let m = metadata === null ? undefined : metadata[i];
    if (m === null) m = undefined;
    else if (m !== undefined && metaAsString) m = JSON.stringify(m);
    out[i] = vectors !== null ? new SearchHitWithVector(ids[i], scores[i], vectors[i], m) : new SearchHit(ids[i], scores[i], m, readVector);
  }
  return out;
}

/** get(id) result: {id, vector, metadata?} (null is returned by the face when absent). */
export function buildRecord(id, vector, metadata, metaAsString, vectorDecoded = false) {
  const r = { id, vector };
  if (metadata !== null && metadata !== undefined) r.metadata = metaAsString ? JSON.stringify(metadata) : metadata;
  // Only when the database dropped its floats: `vector` is the decoded code (docs/quantization.md).
  if (vectorDecoded) r.vectorDecoded = true;
  return r;
}

/**
 * info(): the engine's info object (include/ruvector/options_json.h, the same keys on every
 * face) plus the JS layer's view: the options it ignored and the active kernels.
 */
export function buildInfo(engineInfo, state, simdLevel) {
  const info = engineInfo;
  info.simdLevel = simdLevel;
  info.ignoredOptions = state.ignored.slice();
  return info;
}

/**
 * Per-handle metadata mode: 'object' or 'string' when fixed by the metadataAs option,
 * else decided by the first metadata the program writes through the handle (a JSON string
 * -> string mode). Until then results carry objects.
 */
export function noteMetadataMode(state, parts) {
  if (state.metadataAs !== 'auto') return;
  for (const p of parts) {
    if (p.meta !== null) {
      state.metadataAs = p.metaIsString ? 'string' : 'object';
      return;
    }
  }
}

/** The driver's insertBatch columns of resolved entries: {ids, vectors, metas (null when none has metadata)}. */
export function batchColumns(parts) {
  const n = parts.length;
  const ids = new Array(n);
  const vectors = new Array(n);
  let metas = null;
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    ids[i] = p.id;
    vectors[i] = p.vector;
    if (p.meta !== null) (metas || (metas = new Array(n).fill(null)))[i] = p.meta;
  }
  return { ids, vectors, metas };
}

/** True when results should carry metadata as JSON text. */
export function metadataAsString(state) {
  return state.metadataAs === 'string';
}

// ---- the VectorDb class ---------------------------------------------------------------

/** Process-wide operation counters (getMetrics() of @ruvector/core reports them). */
export const counters = {
  databasesOpened: 0,
  inserts: 0,
  searches: 0,
  deletes: 0,
  errors: 0,
};

function isPromise(v) {
  return v instanceof Promise;
}

const INTERNAL = Symbol('ruvector.internal');

/**
 * The public async `VectorDb` class of a face, defined once over that face's driver, which
 * only marshals (every method may return a value or a Promise, and throws coded errors):
 *   face: {name, durable, indexedDB}
 *   open(engineOptions, constructorArgs) -> handle | Promise<handle>
 *   deserialize(bytes, engineOptions, rawOptions) -> handle | Promise<handle>
 *   insert(h, id|null, Float32Array, metaText|null) -> id
 *   insertBatch(h, ids[], vectors[], metaTexts[] | null) -> ids
 *   search(h, vector, k, efSearch (0 = default), filterText|null, flags, rescore (-1 = default)) -> raw hits
 *   searchBatch(h, queryParts[]) -> raw hits[]
 *     raw hits: [ids, scores, metadata JSON text of an array | undefined, vectors | undefined]
 *   get(h, id) -> [id, vector, metaText|null] | null
 *   vectorOf(h, id) -> Float32Array|undefined, synchronous; null when the face cannot read
 *     synchronously (a worker): searches then fetch the vectors with the hits
 *   remove(h, id) -> boolean;  len(h) -> number;  info(h) -> JSON text;  serialize(h) -> Uint8Array
 *   checkpoint(h);  close(h);  simdLevel() -> string
 *   idb (optional): {save(h, name), load(name, rawOptions) -> Promise<handle>, list(), remove(name)}
 *   extras (optional): {name: (h, ...args) => value}: further methods of this face
 */
export function createVectorDbClass(driver) {
  const face = driver.face;

  const syncVectors = typeof driver.vectorOf === 'function';
  function flagsOf(q) {
    return (q.includeVector || !syncVectors ? 1 : 0) | (q.includeMetadata ? 2 : 0);
  }
  function fail(e) {
    counters.errors++;
    return Promise.reject(e);
  }
  function noIndexedDb() {
    return makeError('UNSUPPORTED', `IndexedDB is not available in ${face.name}: ` +
      (face.durable ? 'use storagePath for a durable database, or serialize()/VectorDb.deserialize() to move data'
        : 'this JavaScript environment has no indexedDB; use serialize()/VectorDb.deserialize()'));
  }

  class VectorDb {
    #h = null;
    #ready;
    #openError = null;
    #closed = false;
    #state;
    #dims;
    #name = null;
    #readVector;

    /**
     * new VectorDb(options) | new VectorDb(dimensions, metric?, useHnsw?). In-memory databases
     * open synchronously (every open error is thrown here); a durable one opens in the
     * background: `await db.ready` (or `await VectorDb.open(options)`) reports its errors,
     * and calls made meanwhile wait for it.
     */
    constructor(...args) {
      this.#readVector = (id) => {
        if (this.#closed || this.#h === null) throw closedError();
        return driver.vectorOf(this.#h, id);
      };
      if (args[0] === INTERNAL) {
        this.#state = args[2];
        this.#adopt(args[1]);
        this.#ready = Promise.resolve();
        return;
      }
      const opts = resolveOpenOptions(args, face);
      this.#state = { ignored: opts.ignored, metadataAs: opts.metadataAs };
      this.#dims = opts.engine.dimensions;
      const r = driver.open(opts.engine, args);
      if (isPromise(r)) {
        this.#ready = r.then((h) => {
          if (this.#closed) {
            driver.close(h);
            return;
          }
          this.#adopt(h);
        }, (e) => {
          this.#openError = e;
          throw e;
        });
        this.#ready.catch(() => {});  // reported by `ready` and by every call
      } else {
        this.#adopt(r);
        this.#ready = Promise.resolve();
      }
    }

    #adopt(h) {
      this.#h = h;
      counters.databasesOpened++;
      if (this.#dims !== undefined) return;
      const info = driver.info(h);
      if (isPromise(info)) info.then((t) => { this.#dims = JSON.parse(t).dimensions; }, () => {});
      else this.#dims = JSON.parse(info).dimensions;
    }

    // Runs fn(handle) now when open, after the open otherwise; always a Promise.
    #run(fn) {
      if (this.#closed) return fail(closedError());
      const h = this.#h;
      if (h !== null) {
        try {
          const r = fn(h);
          return isPromise(r) ? r.catch(fail) : Promise.resolve(r);
        } catch (e) {
          return fail(e);
        }
      }
      if (this.#openError) return fail(this.#openError);
      return this.#ready.then(() => {
        if (this.#closed || this.#h === null) throw closedError();
        return fn(this.#h);
      }).catch(fail);
    }

    #hits(raw, q) {
      const metas = raw[2] === undefined ? null : JSON.parse(raw[2]);
      let read = this.#readVector;
      if (!syncVectors && !q.includeVector) {
        // The vectors came with the reply: the lazy property reads them from there.
        const byId = new Map();
        for (let i = 0; i < raw[0].length; i++) byId.set(raw[0][i], raw[3][i]);
        read = (id) => byId.get(id);
      }
      return buildHits(raw[0], raw[1], metas, q.includeVector ? raw[3] : null, read,
        metadataAsString(this.#state), q.threshold);
    }

    [EXTRA](name, args) {
      return this.#run((h) => driver.extras[name](h, ...args));
    }

    /** Resolves with this database once it is open; rejects with the open error. */
    get ready() {
      return this.#ready.then(() => this);
    }

    /** True after close(). */
    get closed() {
      return this.#closed;
    }

    /** Vector length (undefined while a durable database that was opened without it is opening). */
    get dimensions() {
      return this.#dims;
    }

    /** Opens a database and resolves once it is open. */
    static async open(...args) {
      const db = new VectorDb(...args);
      await db.ready;
      return db;
    }

    /** An in-memory HNSW database with default settings (the reference's constructor). */
    static withDimensions(dimensions) {
      return new VectorDb({ dimensions });
    }

    /**
     * A new database from serialize() bytes of any face. Settings come from the snapshot;
     * options may repeat them (a contradiction is INVALID_ARGUMENT) and, natively, give a
     * storagePath for an empty durable database to load it into.
     */
    static async deserialize(bytes, options) {
      const b = snapshotBytes(bytes);
      const opts = resolveSnapshotOptions(options, face);
      const h = await driver.deserialize(b, opts.engine, options);
      return new VectorDb(INTERNAL, h, { ignored: opts.ignored, metadataAs: opts.metadataAs });
    }

    /** insert({id?, vector, metadata?}) | insert(vector, id?, metadata?) -> Promise<id>. */
    insert(...args) {
      let e;
      try {
        e = resolveEntry(args);
      } catch (err) {
        return fail(err);
      }
      noteMetadataMode(this.#state, [e]);
      counters.inserts++;
      return this.#run((h) => driver.insert(h, e.id, e.vector, e.meta));
    }

    /**
     * insertBatch(entries, {batchSize?, progressCallback?}?) -> Promise<ids in order>.
     * Without options: one all-or-nothing insert. With either option: every entry is
     * checked first (a bad one rejects before anything is inserted), then they go in
     * chunks of batchSize (default DEFAULT_BATCH_SIZE), each all or nothing, and
     * progressCallback(fraction, done, total) runs after each chunk. A failing chunk
     * rejects with its entry named by its position in the whole batch and `inserted`
     * (the entries earlier chunks inserted, which stay); so does a throwing callback.
     */
    insertBatch(entries, options) {
      let parts, chunked;
      try {
        parts = resolveEntries(entries);
        chunked = resolveBatchOptions(options);
      } catch (err) {
        return fail(err);
      }
      noteMetadataMode(this.#state, parts);
      counters.inserts += parts.length;
      if (chunked === null) return this.#run((h) => this.#insertColumns(h, parts));
      return this.#insertChunks(parts, chunked);
    }

    #insertColumns(h, parts) {
      const { ids, vectors, metas } = batchColumns(parts);
      return driver.insertBatch(h, ids, vectors, metas);
    }

    async #insertChunks(parts, { size, progress }) {
      const total = parts.length;
      const ids = [];
      for (let start = 0; start < total; start += size) {
        const chunk = parts.slice(start, start + size);
        try {
          const got = await this.#run((h) => this.#insertColumns(h, chunk));
          for (const id of got) ids.push(id);
          if (progress !== null) progress(ids.length / total, ids.length, total);
        } catch (err) {
          throw chunkError(err, start, chunk.length, ids.length);
        }
      }
      return ids;
    }

    /**
     * search({vector, k?, efSearch?, filter?, includeVector?, includeMetadata?, threshold?})
     * | search(vector, k?, filter?) -> Promise<[{id, score, distance, metadata?, vector}]>.
     */
    search(...args) {
      let q;
      try {
        q = resolveSearch(args);
      } catch (err) {
        return fail(err);
      }
      counters.searches++;
      return this.#run((h) => {
        const raw = driver.search(h, q.vector, q.k, q.efSearch, q.filter, flagsOf(q), q.rescore);
        return isPromise(raw) ? raw.then((r) => this.#hits(r, q)) : this.#hits(raw, q);
      });
    }

    /** One result list per query; fails as a whole on the first invalid query. */
    searchBatch(queries) {
      let qs;
      try {
        qs = resolveQueries(queries);
      } catch (err) {
        return fail(err);
      }
      counters.searches += qs.length;
      return this.#run((h) => {
        const raw = driver.searchBatch(h, qs.map((q) => [q.vector, q.k, q.efSearch, q.filter, flagsOf(q), q.rescore]));
        const shape = (lists) => lists.map((r, i) => this.#hits(r, qs[i]));
        return isPromise(raw) ? raw.then(shape) : shape(raw);
      });
    }

    /** {id, vector, metadata?} or null when absent. */
    get(id) {
      let s;
      try {
        s = toId(id);
      } catch (err) {
        return fail(err);
      }
      return this.#run((h) => {
        const shape = (r) => (r === null ? null
          : buildRecord(r[0], r[1], r[2] === null ? null : JSON.parse(r[2]), metadataAsString(this.#state), r[3] === true));
        const raw = driver.get(h, s);
        return isPromise(raw) ? raw.then(shape) : shape(raw);
      });
    }

    /** true when the id existed and was removed, false when it was absent. */
    delete(id) {
      let s;
      try {
        s = toId(id);
      } catch (err) {
        return fail(err);
      }
      counters.deletes++;
      return this.#run((h) => driver.remove(h, s));
    }

    len() {
      return this.#run((h) => driver.len(h));
    }

    /** The same as len() (the reference's examples call it). */
    count() {
      return this.len();
    }

    isEmpty() {
      return this.#run((h) => {
        const n = driver.len(h);
        return isPromise(n) ? n.then((x) => x === 0) : n === 0;
      });
    }

    /** Settings and counters: the engine's info plus simdLevel and ignoredOptions. */
    info() {
      return this.#run((h) => {
        const t = driver.info(h);
        const shape = (text) => buildInfo(JSON.parse(text), this.#state, driver.simdLevel());
        return isPromise(t) ? t.then(shape) : shape(t);
      });
    }

    /** The portable snapshot (docs/file-format.md) as bytes. */
    serialize() {
      return this.#run((h) => driver.serialize(h));
    }

    /** Writes the index image of a durable database now (nothing to do in memory). */
    checkpoint() {
      return this.#run((h) => driver.checkpoint(h));
    }

    /** Saves the snapshot into IndexedDB under `name` (browsers). */
    saveToIndexedDB(name) {
      if (!driver.idb) return fail(noIndexedDb());
      const n = name === undefined || name === null ? (this.#name || 'default') : indexedDbName(name);
      return this.#run((h) => driver.idb.save(h, n).then((manifest) => {
        this.#name = n;
        return manifest;
      }));
    }

    /** A database saved with saveToIndexedDB(name); NOT_FOUND when there is none. */
    static async loadFromIndexedDB(name, options) {
      if (!driver.idb) throw noIndexedDb();
      const n = indexedDbName(name);
      const h = await driver.idb.load(n, options);
      const db = new VectorDb(INTERNAL, h, { ignored: [], metadataAs: 'auto' });
      db.#name = n;
      return db;
    }

    static async listIndexedDB() {
      if (!driver.idb) throw noIndexedDb();
      return driver.idb.list();
    }

    static async deleteIndexedDB(name) {
      if (!driver.idb) throw noIndexedDb();
      return driver.idb.remove(indexedDbName(name));
    }

    /**
     * Closes the database: later calls reject with INVALID_ARGUMENT ("the database is
     * closed"). Resolves once in-flight calls finished and the database is released (a
     * durable one stores its index image and drops its write lock). Idempotent.
     */
    close() {
      if (this.#closed) return Promise.resolve();
      this.#closed = true;
      const h = this.#h;
      this.#h = null;
      if (h !== null) return Promise.resolve(driver.close(h));
      return this.#ready.then(() => undefined, () => undefined);
    }
  }
  for (const name of Object.keys(driver.extras || {})) {
    VectorDb.prototype[name] = function extra(...args) {
      return this[EXTRA](name, args);
    };
  }
  return VectorDb;
}

const EXTRA = Symbol('ruvector.extra');

function indexedDbName(name) {
  if (typeof name !== 'string' || name === '') throw typeError(`the IndexedDB name must be a non-empty string, got ${describeValue(name)}`);
  return name;
}
