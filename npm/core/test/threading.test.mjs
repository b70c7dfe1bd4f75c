// The threading design (README "Threading"): small calls settle synchronously (no
// thread-pool hop), heavy calls run on the pool without blocking the event loop,
// inputs going to the pool are copied, and garbage collection or close() during
// in-flight work cannot crash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { randomVectors } from '../../../tests/js/contract.mjs';

const require = createRequire(import.meta.url);
const { VectorDb } = require('..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

// true when `p` settled without a turn of the event loop (an already-settled promise).
async function settledSynchronously(p) {
  let immediate = false;
  const t = setImmediate(() => {
    immediate = true;
  });
  await p.catch(() => {});
  clearImmediate(t);
  return !immediate;
}

async function filled(n, dim, seed, options = {}) {
  const db = new VectorDb({ dimensions: dim, metric: 'euclidean', ...options });
  await db.insertBatch(randomVectors(n, dim, seed).map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } })));
  return db;
}

describe('threading', () => {
  it('small calls settle synchronously (no thread-pool hop)', async () => {
    const db = await filled(2000, 32, 1);
    const q = randomVectors(1, 32, 2)[0];
    assert.ok(await settledSynchronously(db.search({ vector: q, k: 10 })), 'search');
    assert.ok(await settledSynchronously(db.search({ vector: q, k: 10, filter: { i: { $lt: 100 } } })), 'filtered search');
    assert.ok(await settledSynchronously(db.insert({ id: 'x', vector: q })), 'insert');
    assert.ok(await settledSynchronously(db.insertBatch([{ vector: q }, { vector: q }])), 'small insertBatch');
    assert.ok(await settledSynchronously(db.get('x')), 'get');
    assert.ok(await settledSynchronously(db.delete('x')), 'delete');
    assert.ok(await settledSynchronously(db.len()), 'len');
    assert.ok(await settledSynchronously(db.isEmpty()), 'isEmpty');
    assert.ok(await settledSynchronously(db.search({ vector: [1], k: 10 })), 'errors too');
    await db.close();
  });

  it('heavy calls go to the thread pool', async () => {
    const db = await filled(2000, 32, 3);
    const q = randomVectors(1, 32, 4)[0];
    assert.ok(!(await settledSynchronously(db.searchBatch([{ vector: q, k: 10 }]))), 'searchBatch');
    assert.ok(!(await settledSynchronously(db.search({ vector: q, k: 1000 }))), 'large k');
    assert.ok(!(await settledSynchronously(db.serialize())), 'serialize');
    const big = randomVectors(500, 32, 5).map((vector) => ({ vector }));
    assert.ok(!(await settledSynchronously(db.insertBatch(big))), 'large insertBatch');
    await db.close();
  });

  it('exact and filtered searches over many floats go to the pool; unfiltered HNSW stays synchronous', async () => {
    const n = 17000; // 17,000 x 128 floats > the 2M-float synchronous scan budget
    const vecs = randomVectors(n, 128, 15);
    const entries = vecs.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } }));
    const hnsw = new VectorDb({ dimensions: 128, metric: 'euclidean' });
    const flat = new VectorDb({ dimensions: 128, metric: 'euclidean', index: 'flat' });
    await Promise.all([hnsw.insertBatch(entries), flat.insertBatch(entries)]);
    const q = vecs[3];
    assert.ok(await settledSynchronously(hnsw.search({ vector: q, k: 10 })), 'plain HNSW search');
    assert.ok(!(await settledSynchronously(hnsw.search({ vector: q, k: 10, filter: { i: { $lt: 50 } } }))), 'filtered');
    assert.ok(!(await settledSynchronously(flat.search({ vector: q, k: 10 }))), 'exact');
    assert.equal((await hnsw.search({ vector: q, k: 10, filter: { i: { $lt: 50 } } })).length, 10);
    assert.equal((await flat.search({ vector: q, k: 1 }))[0].id, 'v3');
    await Promise.all([hnsw.close(), flat.close()]);
  });

  it('a large insertBatch does not block the event loop', async () => {
    const db = new VectorDb({ dimensions: 64 });
    const entries = randomVectors(20000, 64, 6).map((vector, i) => ({ id: `e${i}`, vector }));
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 1);
    const t0 = performance.now();
    const p = db.insertBatch(entries);
    const parseMs = performance.now() - t0; // marshalling happens on the JS thread
    await p;
    const totalMs = performance.now() - t0;
    clearInterval(timer);
    assert.equal(await db.len(), 20000);
    assert.ok(totalMs > parseMs * 2, `the build ran off the JS thread (parse ${parseMs} ms, total ${totalMs} ms)`);
    assert.ok(ticks >= 5, `timers ran during the batch (${ticks} ticks in ${totalMs.toFixed(0)} ms)`);
    await db.close();
  });

  it('while pool work is in flight, small calls take the pool too and stay consistent', async () => {
    const db = await filled(1000, 16, 7);
    const batch = db.insertBatch(randomVectors(3000, 16, 8).map((vector, i) => ({ id: `n${i}`, vector })));
    const q = randomVectors(1, 16, 9)[0];
    const s = db.search({ vector: q, k: 5 });
    assert.ok(!(await settledSynchronously(s)), 'routed to the pool behind the batch');
    assert.equal((await s).length, 5);
    await batch;
    assert.equal(await db.len(), 4000);
    assert.ok(await settledSynchronously(db.len()), 'back to the synchronous path once idle');
    await db.close();
  });

  it('vectors going to the pool are copied: changing them after the call is harmless', async () => {
    const db = new VectorDb({ dimensions: 8 });
    const entries = randomVectors(1000, 8, 10).map((vector, i) => ({ id: `c${i}`, vector }));
    const original = Array.from(entries[0].vector);
    const p = db.insertBatch(entries);
    for (const e of entries) e.vector.fill(7);
    await p;
    assert.deepEqual(Array.from((await db.get('c0')).vector), Array.from(Float32Array.from(original)));
    await db.close();
  });

  it('garbage collection of a database with work in flight cannot crash', async () => {
    let pending = [];
    (() => {
      const db = new VectorDb({ dimensions: 32 });
      pending.push(db.insertBatch(randomVectors(5000, 32, 11).map((vector) => ({ vector }))));
      pending.push(db.searchBatch(randomVectors(50, 32, 12).map((vector) => ({ vector, k: 5 }))));
    })();
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setImmediate(r));
    }
    const [ids, lists] = await Promise.all(pending);
    assert.equal(ids.length, 5000);
    assert.equal(lists.length, 50);
    pending = null;
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  it('close() with work in flight: the work finishes, close waits for it, later calls reject', async () => {
    const db = new VectorDb({ dimensions: 32 });
    const batch = db.insertBatch(randomVectors(5000, 32, 13).map((vector) => ({ vector })));
    const search = db.searchBatch(randomVectors(20, 32, 14).map((vector) => ({ vector, k: 3 })));
    const closed = db.close();
    await assert.rejects(db.len(), (e) => e.code === 'INVALID_ARGUMENT' && /closed/.test(e.message));
    assert.equal((await batch).length, 5000);
    assert.equal((await search).length, 20);
    await closed;
    assert.equal(db.closed, true);
  });

  it('the ESM entry exports the same class', async () => {
    const esm = await import('../index.mjs');
    assert.equal(esm.VectorDb, VectorDb);
    assert.equal(esm.VectorDB, VectorDb);
    assert.equal(esm.default.VectorDb, VectorDb);
    assert.equal(esm.version(), require('..').version());
    assert.equal(esm.JsDistanceMetric.Cosine, 'Cosine');
    const db = new esm.VectorDb({ dimensions: 2, distanceMetric: esm.JsDistanceMetric.Manhattan });
    assert.equal((await db.info()).metric, 'manhattan');
  });
});
