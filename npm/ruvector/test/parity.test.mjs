// Backend parity: tests/js/parity-calls.mjs runs every call of the JS contract (valid
// calls, every accepted spelling, every bad input) through `ruvector` once with
// RUVECTOR_BACKEND=native and once with =wasm; the outcomes (values, or error class +
// code + message) must be identical. Identical is not enough, so the expected outcome of
// the calls that matter is asserted as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const script = path.join(root, 'tests', 'js', 'parity-calls.mjs');

function run(backend) {
  const out = execFileSync(process.execPath, [script], {
    env: { ...process.env, RUVECTOR_BACKEND: backend, RUVECTOR_PARITY_MODULE: path.resolve(here, '..') },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

const native = run('native');
const wasm = run('wasm');
const byName = (list) => Object.fromEntries(list.map((r) => [r.name, r.outcome]));
const N = byName(native);
const W = byName(wasm);

test('both backends ran the same calls', () => {
  assert.deepEqual(native.map((r) => r.name), wasm.map((r) => r.name));
  assert.ok(native.length > 150, `${native.length} calls`);
});

test('every call has the same outcome on native and wasm', () => {
  const differ = native.filter((r) => JSON.stringify(r.outcome) !== JSON.stringify(W[r.name]));
  assert.deepEqual(differ.map((r) => ({ name: r.name, native: r.outcome, wasm: W[r.name] })), []);
});

const err = (name) => {
  const o = N[name];
  assert.ok(o.error, `${name}: expected an error, got ${JSON.stringify(o)}`);
  return o.error;
};
const val = (name) => {
  const o = N[name];
  assert.ok('value' in o, `${name}: expected a value, got ${JSON.stringify(o)}`);
  return o.value;
};

test('open errors come from the constructor, with the class the contract defines', () => {
  for (const [name, o] of Object.entries(N)) {
    if (name.startsWith('open: ') && o.error) assert.equal(o.thrownBy, 'constructor', `${name}: ${o.error.message}`);
  }
  for (const [name, cls] of [
    ['open: dimensions as string', 'TypeError'], ['open: no arguments', 'TypeError'], ['open: null options', 'TypeError'],
    ['open: string options', 'TypeError'], ['open: metric not a string', 'TypeError'], ['open: hnswConfig not an object', 'TypeError'],
    ['open: positional useHnsw not boolean', 'TypeError'], ['open: storagePath not a string', 'TypeError'],
    ['open: dimensions fractional', 'RangeError'], ['open: dimensions NaN', 'RangeError'], ['open: dimensions 0', 'RangeError'],
    ['open: dimensions 65537', 'RangeError'], ['open: unknown metric', 'RangeError'], ['open: unknown index', 'RangeError'],
    ['open: m out of range', 'RangeError'], ['open: typo at top level', 'RangeError'], ['open: quantization bogus', 'RangeError'],
    ['open: dimensions and dimension disagree', 'RangeError'], ['open: metric and distanceMetric disagree', 'RangeError'],
  ]) {
    const e = err(name);
    assert.equal(e.class, cls, `${name}: ${e.message}`);
    assert.equal(e.code, 'INVALID_ARGUMENT', name);
  }
  assert.match(err('open: typo at top level').message, /efConstuction.*efConstruction/);
  assert.match(err('open: typo in hnswConfig').message, /did you mean 'efConstruction'/);
  assert.match(err('open: typo of dimensions').message, /did you mean 'dimensions'/);
});

test('accepted spellings open the database they name', () => {
  assert.equal(val('open: positional (dims)').dimensions, 4);
  assert.equal(val('open: positional (dims, metric)').metric, 'euclidean');
  assert.equal(val('open: positional (dims, metric, useHnsw=false)').index, 'flat');
  assert.equal(val('open: dimension alias').dimensions, 4);
  assert.equal(val('open: metric l2').metric, 'euclidean');
  assert.equal(val('open: distanceMetric DotProduct').metric, 'dot');
  assert.equal(val('open: metric innerproduct').metric, 'dot');
  assert.equal(val('open: hnsw alias, snake_case keys').hnswConfig.efConstruction, 50);
  assert.equal(val('open: top-level HNSW keys (reference README)').hnswConfig.m, 12);
  assert.deepEqual(val('open: unknown keys are ignored and listed').ignoredOptions, ['collection', 'hnswConfig.extra']);
  assert.equal(val('open: storagePath :memory:').storage, 'memory');
  assert.equal(val('open: quantization int8').quantization, 'int8');
  assert.equal(val('open: quantization {type: scalar}').quantization, 'int8');
  assert.equal(val('open: quantization binary, rescore 5').rescore, 5);
  assert.equal(err('open: quantization {type: product}').code, 'UNSUPPORTED');
  assert.equal(err('open: rescore not a number').class, 'TypeError');
  assert.equal(val('quantized: search rescore 10')[0].id, 'q42');
  assert.equal(val('quantized: info quantization'), 'int8');
  assert.equal(err('quantized: search rescore string').class, 'TypeError');
});

test('results, records and metadata follow the contract', () => {
  const hits = val('call: search k');
  assert.equal(hits.length, 3);
  for (const h of hits) {
    assert.equal(h.distance, h.score);
    assert.ok(h['vector(read)'].f32, 'the vector is readable');
  }
  assert.equal(hits[0].id, 'a');
  assert.deepEqual(hits[0].metadata, { tag: 'x', n: 1 });
  assert.equal(val('call: search topK').length, 3);
  assert.equal(val('call: search default k').length, 10);
  assert.ok(val('call: search includeVector')[0].vector.f32);
  assert.ok(!('metadata' in val('call: search includeMetadata false')[0]));
  assert.deepEqual(val('call: get after Date').metadata, { when: '1970-01-01T00:00:00.000Z', n: 4 });
  assert.equal(val('call: search k huge').length, val('call: len after failed batches'));
  assert.ok(val('call: search threshold').every((h) => h.score <= 0.5));
  assert.equal(val('call: insert numeric id'), '7');
  assert.equal(val('call: insert without id'), '<uuid>');
  assert.deepEqual(val('call: delete generated ids'), [true, true]);
  assert.equal(val('call: insert positional (vector, id, metadata)'), 'pos');
  assert.equal(val('call: get missing'), null);
  const zero = val('call: search zero vector');
  assert.ok(zero.every((h) => h.score === 1), 'a zero query scores 1 against everything');
  assert.equal(typeof val('string mode: get').metadata, 'string');
  assert.deepEqual(JSON.parse(val('string mode: get').metadata), { k: 1 });
  assert.equal(typeof val('string mode: search')[0].metadata, 'string');
  assert.deepEqual(val('call: get JSON-string metadata entry').metadata, { tag: 'z', n: 5 });
});

test('bad calls get the class and code the contract defines', () => {
  for (const [name, cls, code] of [
    ['call: insert number', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert null', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert string vector', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert sparse array', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert metadata cyclic', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert metadata BigInt', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert metadata array', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert metadata Date at top level', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insert metadata bad JSON string', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: insert wrong dimension', 'RangeError', 'DIMENSION_MISMATCH'],
    ['call: insert NaN', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: insert typo of vector', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: insertBatch bad entry 1', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: insertBatch bad progressCallback', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: insertBatch options typo', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search k fractional', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search k string', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: search k 0', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search k Infinity', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search k and topK disagree', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search filter bad JSON string', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search filter unknown operator', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search filter number', 'TypeError', 'INVALID_ARGUMENT'],
    ['call: search typo key', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: search wrong dimension', 'RangeError', 'DIMENSION_MISMATCH'],
    ['call: deserialize with contradicting options', 'RangeError', 'INVALID_ARGUMENT'],
    ['call: deserialize garbage', 'Error', 'CORRUPTION'],
    ['call: deserialize non-bytes', 'TypeError', 'INVALID_ARGUMENT'],
    ['closed: insert', 'Error', 'INVALID_ARGUMENT'],
    ['closed: search', 'Error', 'INVALID_ARGUMENT'],
  ]) {
    const e = err(name);
    assert.equal(e.class, cls, `${name}: ${e.message}`);
    assert.equal(e.code, code, `${name}: ${e.message}`);
    assert.ok(e.message.startsWith(`${code}: `), e.message);
  }
  assert.match(err('call: insertBatch bad entry 1').message, /entry 1/);
  // Chunked insertBatch: progress after each chunk; a failing chunk names the entry by
  // its place in the whole batch and leaves the earlier chunks in.
  assert.deepEqual(val('call: insertBatch chunked with progress').seen, [[0.4, 2, 5], [0.8, 4, 5], [1, 5, 5]]);
  assert.equal(val('call: insertBatch chunked with progress').len, 5);
  const chunkFail = val('call: insertBatch chunk fails at 3');
  assert.equal(chunkFail.error.code, 'DIMENSION_MISMATCH');
  assert.match(chunkFail.error.message, /entry 3\b/);
  assert.equal(chunkFail.inserted, 2);
  assert.equal(chunkFail.len, 2);
  assert.match(err('call: insert wrong dimension').message, /3 values.*expects 4/);
  // Failed calls changed nothing: 10 single inserts - 2 deleted + 1 batch of 2, nothing from the failures.
  assert.equal(val('call: len after failed batches'), 10);
  assert.equal(val('closed: close again').undefined, true);
});
