// compat: backends=native
// Pattern: @ruvector/core with the JsDistanceMetric enum, an explicit hnswConfig
// (including maxElements) and a storagePath directory; scores are distances.
const assert = require('node:assert/strict');
const { VectorDb, JsDistanceMetric } = require('@ruvector/core');

async function main() {
  const db = new VectorDb({
    dimensions: 3,
    distanceMetric: JsDistanceMetric.Euclidean,
    storagePath: './vector-data',
    hnswConfig: { m: 16, efConstruction: 64, efSearch: 32, maxElements: 10000 },
  });
  await db.insert({ id: 'x', vector: new Float32Array([1, 0, 0]) });
  await db.insert({ id: 'y', vector: new Float32Array([0, 1, 0]) });
  await db.insert({ id: 'far', vector: new Float32Array([2, 2, 0]) });
  const results = await db.search({ vector: new Float32Array([1, 0, 0]), k: 3 });
  assert.deepEqual(results.map((r) => r.id), ['x', 'y', 'far']);
  assert.ok(Math.abs(results[1].score - Math.SQRT2) < 1e-5);
  assert.ok(Math.abs(results[2].score - Math.sqrt(5)) < 1e-5);
  for (const [name, value] of Object.entries(JsDistanceMetric)) assert.equal(name, value);
}
main().catch((e) => { console.error(e); process.exit(1); });
