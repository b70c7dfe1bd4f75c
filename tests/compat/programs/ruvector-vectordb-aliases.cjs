// compat: backends=native,wasm
// Pattern: the ruvector README's quick start. `VectorDb` (and the `VectorDB` spelling)
// with the short option names `dimension`, `metric` and `hnsw`, metadata objects in,
// and search results that carry their metadata without asking for it.
const assert = require('node:assert/strict');
const { VectorDb, VectorDB } = require('ruvector');

async function main() {
  assert.equal(VectorDB, VectorDb);
  const db = new VectorDb({ dimension: 4, metric: 'cosine', hnsw: { m: 16, efConstruction: 100, efSearch: 50 } });
  const items = [
    { id: 'apple', vector: [0.9, 0.1, 0, 0], metadata: { kind: 'fruit', color: 'red' } },
    { id: 'banana', vector: [0.7, 0.4, 0, 0.1], metadata: { kind: 'fruit', color: 'yellow' } },
    { id: 'car', vector: [0, 0, 1, 0.2], metadata: { kind: 'vehicle', wheels: 4 } },
  ];
  for (const item of items) await db.insert(item);
  assert.equal(await db.len(), 3);
  assert.equal(await db.isEmpty(), false);

  const results = await db.search({ vector: [1, 0.05, 0, 0], k: 2 });
  assert.deepEqual(results.map((r) => r.id), ['apple', 'banana']);
  assert.ok(results[0].score <= results[1].score, 'ascending distance');
  assert.equal(results[0].metadata.color, 'red');

  const fruit = await db.search({ vector: [0, 0, 1, 0], k: 3, filter: { kind: 'fruit' } });
  assert.deepEqual(fruit.map((r) => r.id).sort(), ['apple', 'banana']);

  const car = await db.get('car');
  assert.deepEqual(car.metadata, { kind: 'vehicle', wheels: 4 });
  assert.equal(car.vector.length, 4);
  assert.equal(await db.delete('car'), true);
  assert.equal(await db.get('car'), null);
  assert.equal(await db.len(), 2);
}
main().catch((e) => { console.error(e); process.exit(1); });
