// compat: backends=native,wasm
// Pattern: applications insert an all-zero vector as a placeholder (an item whose
// embedding is not computed yet) into a cosine database, and keep searching.
import assert from 'node:assert/strict';
import { VectorDb } from 'ruvector';

const db = new VectorDb({ dimensions: 4, metric: 'cosine' });
await db.insert({ id: 'pending', vector: [0, 0, 0, 0], metadata: { status: 'pending' } });
await db.insert({ id: 'real', vector: [1, 0, 0, 0], metadata: { status: 'ready' } });
const results = await db.search({ vector: [1, 0.1, 0, 0], k: 2 });
assert.deepEqual(results.map((r) => r.id).sort(), ['pending', 'real']);
for (const r of results) assert.ok(Number.isFinite(r.score), `${r.id}: score ${r.score}`);
// A zero query is accepted too, and scores are defined.
const zero = await db.search({ vector: [0, 0, 0, 0], k: 2 });
assert.equal(zero.length, 2);
for (const r of zero) assert.ok(Number.isFinite(r.score), `${r.id}: score ${r.score}`);
// The placeholder is later replaced by its real embedding.
await db.insert({ id: 'pending', vector: [0, 1, 0, 0], metadata: { status: 'ready' } });
assert.equal((await db.search({ vector: [0, 1, 0, 0], k: 1 }))[0].id, 'pending');
