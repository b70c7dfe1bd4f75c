// compat: backends=wasm
// Pattern: the reference's wasm unit tests: `new VectorDB({dimensions, metric})`, then
// `await db.init()`, then synchronous calls.
import assert from 'node:assert/strict';
import { VectorDB } from '@ruvector/wasm';

const db = new VectorDB({ dimensions: 4, metric: 'euclidean' });
await db.init();
assert.equal(db.insert(new Float32Array([0, 0, 0, 0]), 'origin'), 'origin');
db.insertBatch([
  { id: 'p', vector: new Float32Array([1, 0, 0, 0]) },
  { id: 'q', vector: new Float32Array([0, 3, 4, 0]) },
]);
assert.equal(db.len(), 3);
const results = db.search(new Float32Array([0, 0, 0, 0]), 3);
assert.deepEqual(results.map((r) => r.id), ['origin', 'p', 'q']);
assert.equal(results[2].distance, 5);
assert.throws(() => db.insert(new Float32Array([1, 2])), (e) => /dimension/i.test(e.message) && /4/.test(e.message) && /2/.test(e.message));
