// compat: backends=native
// Pattern: programs written for the reference's @ruvector/core pass metadata and
// filters as JSON strings and JSON.parse the metadata they get back.
const assert = require('node:assert/strict');
const { VectorDb } = require('@ruvector/core');

async function main() {
  const db = new VectorDb({ dimensions: 2, distanceMetric: 'Cosine' });
  await db.insert({ id: 'p1', vector: new Float32Array([1, 0]), metadata: JSON.stringify({ lang: 'en', n: 1 }) });
  await db.insert({ id: 'p2', vector: new Float32Array([0.9, 0.2]), metadata: JSON.stringify({ lang: 'de', n: 2 }) });
  const results = await db.search({ vector: new Float32Array([1, 0.1]), k: 2, filter: JSON.stringify({ lang: 'de' }) });
  assert.deepEqual(results.map((r) => r.id), ['p2']);
  assert.equal(typeof results[0].metadata, 'string', 'a program written for strings gets strings back');
  assert.deepEqual(JSON.parse(results[0].metadata), { lang: 'de', n: 2 });
  const entry = await db.get('p1');
  assert.equal(typeof entry.metadata, 'string');
  assert.deepEqual(JSON.parse(entry.metadata), { lang: 'en', n: 1 });
}
main().catch((e) => { console.error(e); process.exit(1); });
