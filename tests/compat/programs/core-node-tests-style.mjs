// compat: backends=native
// Pattern: the reference's @ruvector/core unit tests (node:test style): withDimensions,
// Float32Array vectors, auto and custom ids, batches, exact-match search, get, delete,
// len and isEmpty.
import assert from 'node:assert/strict';
import ruvector from '@ruvector/core';

const { VectorDb, VectorDB, version } = ruvector;

assert.equal(typeof version(), 'string');
assert.equal(VectorDB, VectorDb);
const db = VectorDb.withDimensions(3);
assert.equal(await db.isEmpty(), true);
const auto = await db.insert({ vector: new Float32Array([1, 2, 3]) });
assert.equal(typeof auto, 'string');
assert.ok(auto.length > 0);
assert.equal(await db.insert({ id: 'custom', vector: new Float32Array([3, 2, 1]) }), 'custom');
const ids = await db.insertBatch([
  { id: 'b1', vector: new Float32Array([0, 1, 0]) },
  { vector: new Float32Array([0, 0, 1]) },
]);
assert.equal(ids.length, 2);
assert.equal(ids[0], 'b1');
assert.equal(await db.len(), 4);
const results = await db.search({ vector: new Float32Array([3, 2, 1]), k: 2 });
assert.equal(results[0].id, 'custom');
assert.ok(results[0].score < 1e-5, `exact match scores ~0, got ${results[0].score}`);
const entry = await db.get('custom');
assert.ok(entry.vector instanceof Float32Array);
assert.deepEqual(Array.from(entry.vector), [3, 2, 1]);
assert.equal(await db.get('does-not-exist'), null);
assert.equal(await db.delete('custom'), true);
assert.equal(await db.delete('custom'), false);
assert.equal(await db.len(), 3);
// Dimension errors name both numbers.
await assert.rejects(db.insert({ vector: new Float32Array([1, 2]) }), (e) => /dimension/i.test(e.message) && /3/.test(e.message) && /2/.test(e.message));
