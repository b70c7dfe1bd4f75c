// 1,000 concurrent promises mixing inserts and searches give consistent results,
// on the synchronous path (small calls) and the thread-pool path (batches, durable).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomVectors, bruteForce } from '../../../tests/js/contract.mjs';

const require = createRequire(import.meta.url);
const { VectorDb } = require('..');

const DIM = 16;

async function mixed(db, { batches, extra = 0, pending = null }) {
  const vecs = randomVectors(1000, DIM, 9);
  const ops = [];
  const inserted = [];
  for (let i = 0; i < 1000; i++) {
    if (i % 4 === 3) {
      ops.push(db.search({ vector: vecs[i], k: 5 }).then((hits) => ({ kind: 'search', hits })));
    } else if (batches && i % 20 === 0) {
      const entries = [];
      for (let j = 0; j < 50; j++) entries.push({ id: `b${i}_${j}`, vector: vecs[(i + j) % 1000] });
      inserted.push(...entries);
      ops.push(db.insertBatch(entries).then((ids) => ({ kind: 'batch', ids, want: entries.map((e) => e.id) })));
    } else {
      const e = { id: `s${i}`, vector: vecs[i], metadata: { i } };
      inserted.push(e);
      ops.push(db.insert(e).then((id) => ({ kind: 'insert', id, want: e.id })));
    }
  }
  const results = await Promise.all(ops);
  assert.equal(results.length, 1000);
  for (const r of results) {
    if (r.kind === 'insert') assert.equal(r.id, r.want);
    if (r.kind === 'batch') assert.deepEqual(r.ids, r.want);
    if (r.kind === 'search') {
      assert.ok(r.hits.length <= 5);
      for (let j = 1; j < r.hits.length; j++) assert.ok(r.hits[j - 1].score <= r.hits[j].score, 'sorted');
      for (const h of r.hits) assert.ok(typeof h.id === 'string' && h.id.length > 0);
    }
  }
  await pending;
  // The final state is exactly what was inserted.
  const unique = new Map(inserted.map((e) => [e.id, e]));
  assert.equal(await db.len(), unique.size + extra);
  for (const id of ['s1', 's998', ...(batches ? ['b0_0', 'b980_49'] : [])]) {
    const rec = await db.get(id);
    assert.ok(rec, id);
    assert.deepEqual(Array.from(rec.vector), Array.from(unique.get(id).vector));
  }
  return [...unique.values()];
}

describe('concurrency', () => {
  it('1,000 concurrent single inserts and searches (in-memory, synchronous path)', async () => {
    const db = new VectorDb({ dimensions: DIM, metric: 'euclidean', index: 'flat' });
    const items = await mixed(db, { batches: false });
    const q = randomVectors(1, DIM, 10)[0];
    const hits = await db.search({ vector: q, k: 10 });
    assert.deepEqual(hits.map((h) => h.id), bruteForce(items, q, 10, 'euclidean').map((h) => h.id));
    await db.close();
  });

  it('1,000 concurrent promises with batches on the thread pool (HNSW)', async () => {
    const db = new VectorDb({ dimensions: DIM, metric: 'euclidean' });
    const big = randomVectors(3000, DIM, 11).map((vector, i) => ({ id: `big${i}`, vector }));
    const bigInsert = db.insertBatch(big); // goes to the pool; everything after routes there too
    const items = await mixed(db, { batches: true, extra: 3000, pending: bigInsert });
    assert.equal((await bigInsert).length, 3000);
    assert.equal(await db.len(), items.length + 3000);
    await db.close();
  });

  it('1,000 concurrent promises against a durable database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rv-conc-'));
    try {
      const db = await VectorDb.open({ dimensions: DIM, metric: 'euclidean', storagePath: path.join(dir, 'db') });
      const items = await mixed(db, { batches: true });
      await db.close();
      const again = await VectorDb.open({ storagePath: path.join(dir, 'db') });
      assert.equal(await again.len(), items.length);
      await again.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('searchBatch runs beside writes without torn results', async () => {
    const db = new VectorDb({ dimensions: DIM, metric: 'euclidean' });
    await db.insertBatch(randomVectors(2000, DIM, 12).map((vector, i) => ({ id: `p${i}`, vector })));
    const qs = randomVectors(200, DIM, 13).map((vector) => ({ vector, k: 10 }));
    const jobs = [];
    for (let r = 0; r < 5; r++) {
      jobs.push(db.searchBatch(qs));
      jobs.push(db.insertBatch(randomVectors(200, DIM, 100 + r).map((vector, i) => ({ id: `w${r}_${i}`, vector }))));
    }
    const out = await Promise.all(jobs);
    for (let r = 0; r < 5; r++) {
      const lists = out[2 * r];
      assert.equal(lists.length, 200);
      for (const l of lists) assert.equal(l.length, 10);
    }
    assert.equal(await db.len(), 3000);
    await db.close();
  });
});
