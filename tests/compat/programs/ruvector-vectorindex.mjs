// compat: backends=native,wasm
// Pattern: the reference's ruvector unit tests and older integrations, through the
// VectorIndex class: insert/insertBatch with {id, values}, progress callbacks,
// search(query, {k}), stats(), save(path) and load(path) across a fresh index.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { VectorIndex, Utils } from 'ruvector';

const index = new VectorIndex({ dimension: 8, metric: 'cosine', indexType: 'hnsw' });
const entries = Array.from({ length: 500 }, (_, i) => ({ id: `doc-${i}`, values: Utils.randomVector(8) }));
await index.insert(entries[0]);
const progress = [];
const ids = await index.insertBatch(entries.slice(1), { batchSize: 100, progressCallback: (p) => progress.push(p) });
assert.equal(ids.length, 499);
assert.equal(progress.length, 5);
assert.equal(progress[progress.length - 1], 1);

const stats = await index.stats();
assert.equal(stats.vectorCount, 500);
assert.equal(stats.dimension, 8);

// Every query's best hit is the exact nearest neighbour (checked by brute force).
for (const probe of entries.slice(0, 20)) {
  const q = probe.values.map((v) => v + 0.001);
  const best = entries.reduce((a, b) => (Utils.cosineSimilarity(q, a.values) >= Utils.cosineSimilarity(q, b.values) ? a : b));
  const results = await index.search(q, { k: 3 });
  assert.equal(results.length, 3);
  assert.equal(results[0].id, best.id);
}

await index.save('./my-index.bin');
assert.ok(fs.statSync('./my-index.bin').size > 500 * 8 * 4);
const restored = new VectorIndex({ dimension: 8, metric: 'cosine' });
await restored.load('./my-index.bin');
assert.equal((await restored.stats()).vectorCount, 500);
assert.deepEqual((await restored.search(entries[7].values, { k: 1 }))[0].id, 'doc-7');
const got = await restored.get('doc-7');
assert.equal(got.values.length, 8);

await index.optimize();
await index.clear();
assert.equal((await index.stats()).vectorCount, 0);
assert.equal((await restored.stats()).vectorCount, 500, 'clearing one index leaves the saved copy alone');
