// Every call of the JS contract — valid calls, every accepted spelling, every bad input —
// run through the `ruvector` package on the backend RUVECTOR_BACKEND selects. Prints one
// JSON line: [{name, outcome}], where outcome is {value} (normalised: scores rounded to
// 5 significant digits, generated UUIDs replaced by "<uuid>", Float32Arrays as arrays) or
// {error: {class, code, message}}. npm/ruvector/test/parity.test.mjs runs this once per
// backend and requires identical output; the expectations it states itself are checked
// there too, so identical-but-wrong results still fail.
//
//   RUVECTOR_BACKEND=native node tests/js/parity-calls.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const rv = require(process.env.RUVECTOR_PARITY_MODULE || 'ruvector');
if (rv.ready) await rv.ready();
const { VectorDb } = rv;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function normalise(v, seen = new Set()) {
  if (v === undefined) return { undefined: true };
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) && v !== 0 ? Number(v.toPrecision(5)) : v;
  if (typeof v === 'string') return UUID.test(v) ? '<uuid>' : v;
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Float32Array || v instanceof Float64Array) return { f32: Array.from(v, (x) => normalise(x)) };
  if (v instanceof Uint8Array) return { bytes: v.length };
  if (seen.has(v)) return '<cycle>';
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => normalise(x, seen));
  if (v instanceof VectorDb) return '<VectorDb>';
  const out = {};
  // Own keys, plus a lazily read `vector` (a getter on the result's prototype).
  for (const k of Object.keys(v)) out[k] = normalise(v[k], seen);
  if (!('vector' in out) && 'vector' in v && typeof v === 'object') out['vector(read)'] = normalise(v.vector, seen);
  return out;
}

function outcomeOfError(e) {
  return { error: { class: e && e.constructor ? e.constructor.name : typeof e, code: e && e.code, message: e && e.message } };
}

async function outcome(fn) {
  try {
    let v = fn();
    if (v && typeof v.then === 'function') v = await v;
    return { value: normalise(v) };
  } catch (e) {
    return outcomeOfError(e);
  }
}

// Whether the constructor itself threw (open errors must surface there, deterministically).
async function construct(fn) {
  let db;
  try {
    db = fn();
  } catch (e) {
    return { ...outcomeOfError(e), thrownBy: 'constructor' };
  }
  try {
    await db.ready;
    const info = await db.info();
    await db.close();
    // Memory figures differ by pointer size (64-bit native, 32-bit wasm); kernels by face.
    delete info.memoryBytes;
    delete info.memory;
    delete info.simdLevel;
    return { value: normalise(info) };
  } catch (e) {
    return { ...outcomeOfError(e), thrownBy: 'later' };
  }
}

const results = [];
async function check(name, fn) {
  results.push({ name, outcome: await fn() });
}

// ---- opening: every spelling, every bad option ----
const opens = {
  'positional (dims)': () => new VectorDb(4),
  'positional (dims, metric)': () => new VectorDb(4, 'euclidean'),
  'positional (dims, metric, useHnsw=false)': () => new VectorDb(4, 'cosine', false),
  'positional useHnsw not boolean': () => new VectorDb(4, 'cosine', 'yes'),
  'positional metric not a string': () => new VectorDb(4, 7),
  'withDimensions': () => VectorDb.withDimensions(4),
  'dimensions': () => new VectorDb({ dimensions: 4 }),
  'dimension alias': () => new VectorDb({ dimension: 4 }),
  'dimensions and dimension agree': () => new VectorDb({ dimensions: 4, dimension: 4 }),
  'dimensions and dimension disagree': () => new VectorDb({ dimensions: 4, dimension: 5 }),
  'metric l2': () => new VectorDb({ dimensions: 4, metric: 'L2' }),
  'distanceMetric Cosine (reference enum)': () => new VectorDb({ dimensions: 4, distanceMetric: 'Cosine' }),
  'distanceMetric DotProduct': () => new VectorDb({ dimensions: 4, distanceMetric: 'DotProduct' }),
  'metric Manhattan': () => new VectorDb({ dimensions: 4, metric: 'Manhattan' }),
  'metric innerproduct': () => new VectorDb({ dimensions: 4, metric: 'inner_product' }),
  'metric and distanceMetric disagree': () => new VectorDb({ dimensions: 4, metric: 'cosine', distanceMetric: 'euclidean' }),
  'unknown metric': () => new VectorDb({ dimensions: 4, metric: 'hamming' }),
  'metric not a string': () => new VectorDb({ dimensions: 4, metric: 1 }),
  'hnswConfig': () => new VectorDb({ dimensions: 4, hnswConfig: { m: 8, efConstruction: 50, efSearch: 20, maxElements: 1000 } }),
  'hnsw alias, snake_case keys': () => new VectorDb({ dimensions: 4, hnsw: { m: 8, ef_construction: 50, ef_search: 20 } }),
  'top-level HNSW keys (reference README)': () => new VectorDb({ dimensions: 4, m: 12, efConstruction: 60 }),
  'typo at top level': () => new VectorDb({ dimensions: 4, efConstuction: 5 }),
  'typo in hnswConfig': () => new VectorDb({ dimensions: 4, hnswConfig: { efConstuction: 5 } }),
  'typo of dimensions': () => new VectorDb({ dimensons: 4 }),
  'unknown keys are ignored and listed': () => new VectorDb({ dimensions: 4, collection: 'docs', hnswConfig: { extra: 1 } }),
  'hnswConfig not an object': () => new VectorDb({ dimensions: 4, hnswConfig: 5 }),
  'm out of range': () => new VectorDb({ dimensions: 4, hnswConfig: { m: 1 } }),
  'efSearch fractional': () => new VectorDb({ dimensions: 4, hnswConfig: { efSearch: 1.5 } }),
  'index flat': () => new VectorDb({ dimensions: 4, index: 'flat' }),
  'index exact': () => new VectorDb({ dimensions: 4, index: 'EXACT' }),
  'unknown index': () => new VectorDb({ dimensions: 4, index: 'ivf' }),
  'quantization none': () => new VectorDb({ dimensions: 4, quantization: 'none' }),
  'quantization {type: none}': () => new VectorDb({ dimensions: 4, quantization: { type: 'none' } }),
  'quantization bogus': () => new VectorDb({ dimensions: 4, quantization: 'bogus' }),
  'quantization int8': () => new VectorDb({ dimensions: 4, quantization: 'int8' }),
  'quantization {type: scalar}': () => new VectorDb({ dimensions: 4, quantization: { type: 'scalar' } }),
  'quantization binary, rescore 5': () => new VectorDb({ dimensions: 4, quantization: 'binary', rescore: 5 }),
  'quantization {type: product}': () => new VectorDb({ dimensions: 4, quantization: { type: 'product' } }),
  'rescore not a number': () => new VectorDb({ dimensions: 4, quantization: 'int8', rescore: 'x' }),
  'quantization not a string': () => new VectorDb({ dimensions: 4, quantization: 8 }),
  'storagePath :memory:': () => new VectorDb({ dimensions: 4, storagePath: ':memory:' }),
  'path empty': () => new VectorDb({ dimensions: 4, path: '' }),
  'storagePath not a string': () => new VectorDb({ dimensions: 4, storagePath: 5 }),
  'readOnly not boolean': () => new VectorDb({ dimensions: 4, readOnly: 'no' }),
  'threads': () => new VectorDb({ dimensions: 4, threads: 1 }),
  'metadataAs string': () => new VectorDb({ dimensions: 4, metadataAs: 'string' }),
  'metadataAs bogus': () => new VectorDb({ dimensions: 4, metadataAs: 'xml' }),
  'dimensions as string': () => new VectorDb({ dimensions: '4' }),
  'dimensions fractional': () => new VectorDb({ dimensions: 2.5 }),
  'dimensions NaN': () => new VectorDb({ dimensions: NaN }),
  'dimensions Infinity': () => new VectorDb({ dimensions: Infinity }),
  'dimensions negative': () => new VectorDb({ dimensions: -3 }),
  'dimensions 0': () => new VectorDb({ dimensions: 0 }),
  'dimensions 65537': () => new VectorDb({ dimensions: 65537 }),
  'dimensions huge': () => new VectorDb({ dimensions: 1e12 }),
  'dimensions missing': () => new VectorDb({}),
  'no arguments': () => new VectorDb(),
  'null options': () => new VectorDb(null),
  'string options': () => new VectorDb('dims'),
  'array options': () => new VectorDb([4]),
};
for (const [name, fn] of Object.entries(opens)) await check(`open: ${name}`, () => construct(fn));

// ---- calls on an open database ----
const db = new VectorDb({ dimensions: 4 });
const generated = [];
const cyc = { a: 1 };
cyc.self = cyc;
const calls = [
  ['insert object', () => db.insert({ id: 'a', vector: [1, 0, 0, 0], metadata: { tag: 'x', n: 1 } })],
  ['insert Float32Array', () => db.insert({ id: 'b', vector: new Float32Array([0, 1, 0, 0]), metadata: { tag: 'y', n: 2 } })],
  ['insert Float64Array', () => db.insert({ id: 'c', vector: new Float64Array([0, 0, 1, 0]) })],
  ['insert numeric id', () => db.insert({ id: 7, vector: [0, 0, 0, 1] })],
  // Generated ids are random: those two entries are removed again below, so ties between
  // them and other entries (broken by id) cannot make the two runs differ.
  ['insert without id', async () => { generated.push(await db.insert({ vector: [1, 1, 0, 0] })); return generated[0]; }],
  ['insert positional (vector, id, metadata)', () => db.insert([1, 0, 1, 0], 'pos', { tag: 'x', n: 3 })],
  ['insert positional (vector)', async () => { generated.push(await db.insert(new Float32Array([0, 1, 1, 0]))); return generated[1]; }],
  ['get generated id', () => db.get(generated[0])],
  ['delete generated ids', async () => [await db.delete(generated[0]), await db.delete(generated[1])]],
  ['insert Date and undefined in metadata', () => db.insert({ id: 'd', vector: [1, 1, 1, 0], metadata: { when: new Date(0), gone: undefined, n: 4 } })],
  ['get after Date', () => db.get('d')],
  ['insert JSON-string metadata', () => db.insert({ id: 'js', vector: [1, 1, 1, 1], metadata: '{"tag":"z","n":5}' })],
  ['insert zero vector (cosine)', () => db.insert({ id: 'zero', vector: [0, 0, 0, 0] })],
  ['insert number', () => db.insert(42)],
  ['insert null', () => db.insert(null)],
  ['insert string vector', () => db.insert({ id: 'e', vector: 'abcd' })],
  ['insert sparse array', () => db.insert({ id: 'e', vector: [1, , 1, 1] })], // eslint-disable-line no-sparse-arrays
  ['insert wrong dimension', () => db.insert({ id: 'e', vector: [1, 2, 3] })],
  ['insert NaN', () => db.insert({ id: 'e', vector: [1, NaN, 1, 1] })],
  ['insert Infinity', () => db.insert({ id: 'e', vector: [1, Infinity, 1, 1] })],
  ['insert id object', () => db.insert({ id: { x: 1 }, vector: [1, 1, 1, 1] })],
  ['insert id NaN', () => db.insert({ id: NaN, vector: [1, 1, 1, 1] })],
  ['insert id too long', () => db.insert({ id: 'x'.repeat(600), vector: [1, 1, 1, 1] })],
  ['insert metadata array', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: [1, 2] })],
  ['insert metadata cyclic', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: cyc })],
  ['insert metadata BigInt', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: { n: 1n } })],
  ['insert metadata function', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: () => 1 })],
  ['insert metadata Date at top level', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: new Date(0) })],
  ['insert metadata bad JSON string', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: '{bad' })],
  ['insert metadata JSON string of an array', () => db.insert({ id: 'e', vector: [1, 1, 1, 1], metadata: '[1]' })],
  ['insert typo of vector', () => db.insert({ id: 'e', vectr: [1, 1, 1, 1] })],
  ['insertBatch', () => db.insertBatch([{ id: 'b1', vector: [1, 0, 0, 1] }, { id: 'b2', vector: [0, 1, 0, 1], metadata: { tag: 'x', n: 6 } }])],
  ['insertBatch empty', () => db.insertBatch([])],
  ['insertBatch bad entry 1', () => db.insertBatch([{ id: 'b3', vector: [1, 0, 0, 1] }, { id: 'b4', vector: [1, NaN, 0, 1] }])],
  ['insertBatch wrong dimension at 2', () => db.insertBatch([{ vector: [1, 1, 1, 1] }, { vector: [1, 1, 1, 1] }, { vector: [1] }])],
  ['insertBatch non-array', () => db.insertBatch('x')],
  ['insertBatch entry not an object', () => db.insertBatch([5])],
  ['insertBatch chunked with progress', async () => {
    const seen = [];
    const d = new VectorDb({ dimensions: 4 });
    const ids = await d.insertBatch([1, 2, 3, 4, 5].map((i) => ({ id: `pc${i}`, vector: [i, 1, 0, 1] })),
      { batchSize: 2, progressCallback: (...a) => seen.push(a) });
    return { ids, seen, len: await d.len() };
  }],
  ['insertBatch chunk fails at 3', async () => {
    const d = new VectorDb({ dimensions: 4 });
    try {
      await d.insertBatch([{ id: 'cf1', vector: [1, 1, 1, 1] }, { id: 'cf2', vector: [1, 1, 1, 2] }, { id: 'cf3', vector: [1, 1, 1, 3] }, { id: 'cf4', vector: [1] }],
        { batchSize: 2 });
      return 'no error';
    } catch (e) {
      return { ...outcomeOfError(e), inserted: e.inserted, len: await d.len() };
    }
  }],
  ['insertBatch bad progressCallback', () => new VectorDb({ dimensions: 4 }).insertBatch([{ id: 'pb', vector: [1, 0, 0, 1] }], { progressCallback: 3 })],
  ['insertBatch options typo', () => new VectorDb({ dimensions: 4 }).insertBatch([{ id: 'pt', vector: [1, 0, 0, 1] }], { progresCallback: () => {} })],
  ['len after failed batches', () => db.len()],
  ['count', () => db.count()],
  ['isEmpty', () => db.isEmpty()],
  ['search k', () => db.search({ vector: [1, 0, 0, 0], k: 3 })],
  ['search topK', () => db.search({ vector: [1, 0, 0, 0], topK: 3 })],
  ['search k and topK agree', () => db.search({ vector: [1, 0, 0, 0], k: 3, topK: 3 })],
  ['search k and topK disagree', () => db.search({ vector: [1, 0, 0, 0], k: 2, topK: 3 })],
  ['search default k', () => db.search({ vector: [1, 0, 0, 0] })],
  ['search includeVector', () => db.search({ vector: [1, 0, 0, 0], k: 2, includeVector: true })],
  ['search includeMetadata false', () => db.search({ vector: [1, 0, 0, 0], k: 2, includeMetadata: false })],
  ['search filter object', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: { tag: 'x' } })],
  ['search filter JSON string', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: '{"tag":"x"}' })],
  ['search filter operators', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: { n: { $gte: 2, $lt: 6 } } })],
  ['search filter bad JSON string', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: 'tag = x' })],
  ['search filter unknown operator', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: { n: { $gtx: 1 } } })],
  ['search filter number', () => db.search({ vector: [1, 0, 0, 0], k: 5, filter: 3 })],
  ['search efSearch', () => db.search({ vector: [1, 0, 0, 0], k: 2, efSearch: 50 })],
  ['search ef alias', () => db.search({ vector: [1, 0, 0, 0], k: 2, ef: 50 })],
  ['search efSearch 0', () => db.search({ vector: [1, 0, 0, 0], k: 2, efSearch: 0 })],
  ['search efSearch too large', () => db.search({ vector: [1, 0, 0, 0], k: 2, efSearch: 1e6 })],
  ['search threshold', () => db.search({ vector: [1, 0, 0, 0], k: 10, threshold: 0.5 })],
  ['search threshold not a number', () => db.search({ vector: [1, 0, 0, 0], k: 10, threshold: 'near' })],
  ['search k fractional', () => db.search({ vector: [1, 0, 0, 0], k: 2.5 })],
  ['search k string', () => db.search({ vector: [1, 0, 0, 0], k: '3' })],
  ['search k 0', () => db.search({ vector: [1, 0, 0, 0], k: 0 })],
  ['search k negative', () => db.search({ vector: [1, 0, 0, 0], k: -1 })],
  ['search k Infinity', () => db.search({ vector: [1, 0, 0, 0], k: Infinity })],
  ['search k huge', () => db.search({ vector: [1, 0, 0, 0], k: 1e12 })],
  ['search k max safe', () => db.search({ vector: [1, 0, 0, 0], k: Number.MAX_SAFE_INTEGER })],
  ['search efSearch above 2^32', () => db.search({ vector: [1, 0, 0, 0], k: 2, efSearch: 2 ** 33 })],
  ['search zero vector', () => db.search({ vector: [0, 0, 0, 0], k: 3 })],
  ['search wrong dimension', () => db.search({ vector: [1, 0], k: 3 })],
  ['search NaN', () => db.search({ vector: [NaN, 0, 0, 0], k: 3 })],
  ['search typo key', () => db.search({ vector: [1, 0, 0, 0], topk: 3 })],
  ['search unknown short key ignored', () => db.search({ vector: [1, 0, 0, 0], k: 1, q: 1 })],
  ['search positional (vector, k)', () => db.search([1, 0, 0, 0], 2)],
  ['search positional (vector, k, filter)', () => db.search([1, 0, 0, 0], 2, { tag: 'y' })],
  ['search null', () => db.search(null)],
  ['search string', () => db.search('query')],
  ['searchBatch', () => db.searchBatch([{ vector: [1, 0, 0, 0], k: 2 }, { vector: [0, 1, 0, 0], k: 1, filter: { tag: 'y' } }])],
  ['searchBatch bad query 1', () => db.searchBatch([{ vector: [1, 0, 0, 0], k: 2 }, { vector: [1], k: 1 }])],
  ['searchBatch non-array', () => db.searchBatch({})],
  ['get', () => db.get('a')],
  ['get numeric id', () => db.get(7)],
  ['get missing', () => db.get('nope')],
  ['get JSON-string metadata entry', () => db.get('js')],
  ['get bad id', () => db.get({})],
  ['delete', () => db.delete('c')],
  ['delete missing', () => db.delete('c')],
  ['delete bad id', () => db.delete(undefined)],
  ['upsert', () => db.insert({ id: 'a', vector: [1, 0, 0, 0.5], metadata: { tag: 'x', n: 9 } })],
  ['get after upsert', () => db.get('a')],
  ['len', () => db.len()],
  ['info', async () => {
    const i = await db.info();
    delete i.memoryBytes;
    delete i.memory;
    delete i.simdLevel;
    return i;
  }],
  ['serialize -> deserialize', async () => {
    const copy = await VectorDb.deserialize(await db.serialize());
    // Normalised (lazy vectors read) before close: a hit reads its vector from its database.
    const out = normalise({ len: await copy.len(), hits: await copy.search({ vector: [1, 0, 0, 0], k: 3 }) });
    await copy.close();
    return out;
  }],
  ['deserialize with agreeing options', async () => {
    const copy = await VectorDb.deserialize(await db.serialize(), { dimensions: 4, metric: 'cosine' });
    const n = await copy.len();
    await copy.close();
    return n;
  }],
  ['deserialize with contradicting options', () => db.serialize().then((b) => VectorDb.deserialize(b, { dimensions: 5 }))],
  ['deserialize garbage', () => VectorDb.deserialize(new Uint8Array([1, 2, 3, 4]))],
  ['deserialize non-bytes', () => VectorDb.deserialize('bytes')],
];
for (const [name, fn] of calls) await check(`call: ${name}`, () => outcome(fn));

// A quantized database: re-ranking per query (exact distances, so both faces agree).
const qdb = new VectorDb({ dimensions: 8, quantization: 'int8', metric: 'euclidean' });
await qdb.insertBatch(Array.from({ length: 300 }, (_, i) => ({ id: `q${i}`, vector: Array.from({ length: 8 }, (_, j) => Math.sin(i * 1.7 + j)) })));
const probe = Array.from({ length: 8 }, (_, j) => Math.sin(42 * 1.7 + j));
await check('quantized: search default rescore', () => outcome(() => qdb.search({ vector: probe, k: 3, includeMetadata: false })));
await check('quantized: search rescore 10', () => outcome(() => qdb.search({ vector: probe, k: 3, rescore: 10 })));
await check('quantized: search rescore string', () => outcome(() => qdb.search({ vector: probe, k: 3, rescore: '3' })));
await check('quantized: info quantization', () => outcome(async () => (await qdb.info()).quantization));
await qdb.close();

// String mode: a program that writes JSON strings gets JSON strings back.
const sdb = new VectorDb({ dimensions: 2 });
await check('string mode: insert', () => outcome(() => sdb.insert({ id: 's', vector: [1, 0], metadata: '{"k":1}' })));
await check('string mode: get', () => outcome(() => sdb.get('s')));
await check('string mode: search', () => outcome(() => sdb.search({ vector: [1, 0], k: 1 })));
await sdb.close();

// A closed database.
await db.close();
for (const [name, fn] of [
  ['insert', () => db.insert({ id: 'z', vector: [1, 1, 1, 1] })],
  ['search', () => db.search({ vector: [1, 1, 1, 1], k: 1 })],
  ['len', () => db.len()],
  ['close again', () => db.close()],
]) await check(`closed: ${name}`, () => outcome(fn));

process.stdout.write(JSON.stringify(results) + '\n');
