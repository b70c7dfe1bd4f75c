// IndexedDB persistence in Node through fake-indexeddb (the same code runs in
// browsers; tests/browser/ checks it in Chromium).
import 'fake-indexeddb/auto';
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { IDBFactory } from 'fake-indexeddb';
import * as wasm from '@ruvector/wasm';

const { VectorDb } = wasm;

async function rejects(fn, code) {
  let err;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}`);
  assert.equal(err.code, code, err.message);
  return err;
}

function vectors(n, dim, seed) {
  let s = seed >>> 0;
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      v[j] = s / 4294967296 - 0.5;
    }
    out[i] = v;
  }
  return out;
}

describe('IndexedDB persistence (fake-indexeddb)', () => {
  beforeEach(() => {
    globalThis.indexedDB = new IDBFactory();  // a fresh, empty IndexedDB per test
  });

  it('save, list, load, search, delete', async () => {
    const db = new VectorDb({ dimensions: 8, metric: 'euclidean' });
    const data = vectors(500, 8, 1).map((vector, i) => ({ id: `d${i}`, vector, metadata: { i, even: i % 2 === 0 } }));
    await db.insertBatch(data);
    const m = await db.saveToIndexedDB('docs');
    assert.equal(m.name, 'docs');
    assert.equal(m.count, 500);
    assert.equal(m.dimensions, 8);
    assert.equal(m.metric, 'euclidean');
    assert.equal(m.chunks, 1);
    assert.ok(m.bytes > 500 * 8 * 4);
    assert.deepEqual((await wasm.listIndexedDB()).map((x) => x.name), ['docs']);
    const loaded = await VectorDb.loadFromIndexedDB('docs');
    assert.equal(await loaded.len(), 500);
    const q = { vector: data[42].vector, k: 5, includeMetadata: true, filter: { even: true } };
    assert.deepEqual(await loaded.search(q), await db.search(q));
    assert.deepEqual(await loaded.get('d7'), await db.get('d7'));
    assert.equal(await wasm.deleteIndexedDB('docs'), true);
    assert.equal(await wasm.deleteIndexedDB('docs'), false);
    assert.deepEqual(await VectorDb.listIndexedDB(), []);
    await rejects(() => VectorDb.loadFromIndexedDB('docs'), 'NOT_FOUND');
    await Promise.all([db.close(), loaded.close()]);
  });

  it('saving again replaces the snapshot; the default name is the one it came from', async () => {
    const db = new VectorDb({ dimensions: 4 });
    await db.insert({ id: 'a', vector: [1, 2, 3, 4] });
    await db.saveToIndexedDB();
    assert.deepEqual((await wasm.listIndexedDB()).map((x) => x.name), ['default']);
    await db.saveToIndexedDB('two');
    const two = await VectorDb.loadFromIndexedDB('two');
    await two.insert({ id: 'b', vector: [4, 3, 2, 1] });
    await two.saveToIndexedDB();  // back under 'two'
    assert.equal(await (await VectorDb.loadFromIndexedDB('two')).len(), 2);
    assert.equal(await (await VectorDb.loadFromIndexedDB('default')).len(), 1);
    await rejects(() => db.saveToIndexedDB(''), 'INVALID_ARGUMENT');
    await rejects(() => VectorDb.loadFromIndexedDB(42), 'INVALID_ARGUMENT');
  });

  it('a missing chunk is CORRUPTION, a damaged one is CORRUPTION (snapshot checksums)', async () => {
    const db = new VectorDb({ dimensions: 4 });
    await db.insertBatch(vectors(100, 4, 2).map((vector) => ({ vector })));
    await db.saveToIndexedDB('x');
    const open = () => new Promise((res, rej) => { const r = indexedDB.open('ruvector'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const idb = await open();
    const chunk = await new Promise((res) => { const r = idb.transaction('chunks').objectStore('chunks').get(['x', 0]); r.onsuccess = () => res(r.result); });
    const bad = new Uint8Array(chunk.slice(0));
    bad[bad.length >> 1] ^= 0xff;
    await new Promise((res) => { const t = idb.transaction('chunks', 'readwrite'); t.objectStore('chunks').put(bad.buffer, ['x', 0]); t.oncomplete = res; });
    await rejects(() => VectorDb.loadFromIndexedDB('x'), 'CORRUPTION');
    await new Promise((res) => { const t = idb.transaction('chunks', 'readwrite'); t.objectStore('chunks').delete(['x', 0]); t.oncomplete = res; });
    await rejects(() => VectorDb.loadFromIndexedDB('x'), 'CORRUPTION');
    idb.close();
  });

  it('without IndexedDB: a clear UNSUPPORTED error', async () => {
    const saved = globalThis.indexedDB;
    delete globalThis.indexedDB;
    try {
      const db = new VectorDb({ dimensions: 2 });
      const e = await rejects(() => db.saveToIndexedDB('n'), 'UNSUPPORTED');
      assert.match(e.message, /fake-indexeddb|serialize/);
      await rejects(() => wasm.listIndexedDB(), 'UNSUPPORTED');
    } finally {
      globalThis.indexedDB = saved;
    }
  });

  it('100,000 x 384 saves in 8 MiB chunks and loads back', { timeout: 600_000 }, async () => {
    const N = 100_000;
    const DIM = 384;
    // The exact index keeps this test about chunked persistence, not graph building.
    const db = new VectorDb({ dimensions: DIM, metric: 'euclidean', index: 'flat' });
    const BATCH = 10_000;
    for (let b = 0; b < N; b += BATCH) {
      const vs = vectors(BATCH, DIM, 1000 + b);
      await db.insertBatch(vs.map((vector, i) => ({ id: `v${b + i}`, vector, metadata: { b } })));
    }
    assert.equal(await db.len(), N);
    const m = await db.saveToIndexedDB('big');
    assert.ok(m.bytes > N * DIM * 4, `${m.bytes} bytes`);
    assert.equal(m.chunks, Math.ceil(m.bytes / (8 << 20)));
    assert.ok(m.chunks >= 19, `${m.chunks} chunks`);
    const probe = vectors(1, DIM, 7)[0];
    const want = await db.search({ vector: probe, k: 10 });
    await db.close();
    const loaded = await VectorDb.loadFromIndexedDB('big');
    assert.equal(await loaded.len(), N);
    assert.deepEqual(await loaded.search({ vector: probe, k: 10 }), want);
    assert.deepEqual((await loaded.get('v99999')).metadata, { b: 90000 });
    await loaded.close();
    await wasm.deleteIndexedDB('big');
  });
});
