// compat: backends=native,wasm
// Pattern: the reference's own examples print `result.distance`, count with
// `db.count()` and read `result.vector` from search results.
import assert from 'node:assert/strict';
import { VectorDb } from 'ruvector';

const db = new VectorDb({ dimensions: 3, distanceMetric: 'euclidean' });
await db.insertBatch([
  { id: 'a', vector: [0, 0, 0] },
  { id: 'b', vector: [3, 4, 0] },
  { id: 'c', vector: [10, 0, 0] },
]);
assert.equal(await db.count(), 3);
assert.equal(await db.count(), await db.len());
const results = await db.search({ vector: [0, 0, 0], k: 2 });
for (const r of results) console.log(`${r.id}: distance ${r.distance.toFixed(3)}`);
assert.deepEqual(results.map((r) => r.id), ['a', 'b']);
assert.equal(results[1].distance, 5);
assert.equal(results[1].distance, results[1].score);
assert.deepEqual(Array.from(results[1].vector), [3, 4, 0]);
