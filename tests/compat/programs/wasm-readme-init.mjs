// compat: backends=wasm
// Pattern: the @ruvector/wasm README: `await init()` from the default export, then the
// synchronous positional VectorDB: insert returns the id, search returns the array.
import assert from 'node:assert/strict';
import init, { VectorDB } from '@ruvector/wasm';

await init();
const db = new VectorDB(3, 'cosine', true);
const id = db.insert(new Float32Array([1, 0, 0]), 'first', { tag: 'a' });
assert.equal(id, 'first');
const auto = db.insert(new Float32Array([0, 1, 0]));
assert.equal(typeof auto, 'string');
const batch = db.insertBatch([
  { id: 'b1', vector: new Float32Array([0, 0, 1]), metadata: { tag: 'b' } },
  { id: 'b2', vector: new Float32Array([0.7, 0.7, 0]) },
]);
assert.deepEqual(batch, ['b1', 'b2']);
assert.equal(db.len(), 4);
const results = db.search(new Float32Array([0.9, 0.1, 0]), 10);
assert.ok(Array.isArray(results), 'search returns the array, not a Promise');
assert.equal(results[0].id, 'first');
assert.equal(results[0].metadata.tag, 'a');
assert.equal(results[0].distance, results[0].score);
const filtered = db.search(new Float32Array([0, 0, 1]), 10, { tag: 'b' });
assert.deepEqual(filtered.map((r) => r.id), ['b1']);
const entry = db.get('first');
assert.deepEqual(Array.from(entry.vector), [1, 0, 0]);
assert.equal(db.delete('first'), true);
assert.equal(db.delete('first'), false);
assert.ok(db.get('first') == null, 'a deleted id is gone');
assert.equal(db.len(), 3);
assert.equal(db.isEmpty(), false);
