// A snapshot written by @ruvector/wasm loads in the native addon (@ruvector/core, from
// npm/core in this repository) and the other way round, with identical results.
// Skipped, with the reason, when the addon is not built here.
import 'fake-indexeddb/auto';
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as wasm from '@ruvector/wasm';

const require = createRequire(import.meta.url);
const coreDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../core');
let core = null;
let why = '';
try {
  core = require(coreDir);
  // A smoke call: a half-built sibling package (JS newer than its binary) is "not built".
  const probe = new core.VectorDb({ dimensions: 2 });
  await probe.insert({ id: 'p', vector: [1, 2] });
  await probe.search({ vector: [1, 2], k: 1 });
  await probe.close();
} catch (e) {
  core = null;
  why = `@ruvector/core is not built (or not usable) in ${coreDir}: ${String(e.message).split('\n')[0]}`;
}

// Random (no near-duplicates, so float rounding differences between the simd128 and
// the native kernels cannot reorder near-ties).
function data(n, dim) {
  let s = 12345;
  const r = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
  return Array.from({ length: n }, (_, i) => ({
    id: `x${i}`, vector: Float32Array.from({ length: dim }, r),
    metadata: i % 3 ? { i, tag: ['a', 'b', 'c'][i % 3] } : null,
  }));
}

const close = (x, y) => Math.abs(x - y) <= 1e-5 * Math.max(1, Math.abs(x));

// HNSW over the same graph: the simd128 and native kernels round differently, so a
// traversal may rarely swap the last neighbour; ids mostly agree, scores must.
function similarHits(a, b) {
  assert.equal(a.length, b.length);
  const bs = new Map(b.map((h) => [h.id, h]));
  let common = 0;
  for (const h of a) {
    const o = bs.get(h.id);
    if (!o) continue;
    common++;
    assert.ok(close(h.score, o.score), `${h.id}: ${h.score} vs ${o.score}`);
    assert.deepEqual(h.metadata ?? null, o.metadata ?? null);
  }
  return common / a.length;
}

function sameHits(a, b) {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i].id, b[i].id);
    assert.ok(close(a[i].score, b[i].score), `${a[i].score} vs ${b[i].score}`);
    assert.deepEqual(a[i].metadata ?? null, b[i].metadata ?? null);
  }
}

describe('snapshots across faces: wasm <-> native addon', { skip: core ? false : why }, () => {
  let rows;
  before(() => { rows = data(3000, 24); });

  for (const metric of ['cosine', 'euclidean']) {
    it(`wasm -> native (${metric}, hnsw)`, async () => {
      const w = new wasm.VectorDb({ dimensions: 24, metric });
      await w.insertBatch(rows);
      await w.delete('x10');
      const n = await core.VectorDb.deserialize(await w.serialize());
      assert.equal(await n.len(), 2999);
      let overlap = 0;
      for (const q of rows.slice(0, 50)) {
        const query = { vector: q.vector, k: 10, includeMetadata: true };
        overlap += similarHits(await n.search(query), await w.search(query));
      }
      assert.ok(overlap / 50 >= 0.97, `mean overlap ${overlap / 50}`);
      // The exact index gives the same answers to the last digit.
      const wf = new wasm.VectorDb({ dimensions: 24, metric, index: 'flat' });
      await wf.insertBatch(rows);
      const nf = await core.VectorDb.deserialize(await wf.serialize());
      for (const q of rows.slice(0, 10)) sameHits(await nf.search({ vector: q.vector, k: 10 }), await wf.search({ vector: q.vector, k: 10 }));
      await Promise.all([wf.close(), nf.close()]);
      await Promise.all([w.close(), n.close()]);
    });
  }

  // Quantized databases: the snapshot (version 2) carries the settings; each face rebuilds
  // the codes from the floats by the same training rule and walks the same graph.
  for (const [quantization, metric] of [['int8', 'euclidean'], ['binary', 'cosine'], ['int8', 'dot']]) {
    it(`quantized ${quantization} (${metric}): wasm -> native and native -> wasm answer the same searches`, async () => {
      const pairs = [];
      const w = new wasm.VectorDb({ dimensions: 24, metric, quantization });
      await w.insertBatch(rows);
      pairs.push([w, await core.VectorDb.deserialize(await w.serialize())]);
      const n = new core.VectorDb({ dimensions: 24, metric, quantization });
      await n.insertBatch(rows);
      pairs.push([n, await wasm.VectorDb.deserialize(await n.serialize())]);
      for (const [from, to] of pairs) {
        const [a, b] = [await from.info(), await to.info()];
        assert.deepEqual([b.quantization, b.rescore, b.codesTrainedOn, b.count], [quantization, a.rescore, 3000, 3000]);
        for (const rescore of [undefined, 0]) {
          let overlap = 0;
          for (const q of rows.slice(0, 40)) {
            const query = { vector: q.vector, k: 10, includeMetadata: true, rescore };
            const [x, y] = [await to.search(query), await from.search(query)];
            if (rescore === undefined) {
              overlap += similarHits(x, y);  // re-ranked: exact scores
            } else {
              const ys = new Set(y.map((h) => h.id));
              overlap += x.filter((h) => ys.has(h.id)).length / x.length;
            }
          }
          assert.ok(overlap / 40 >= 0.95, `${quantization} rescore ${rescore}: mean overlap ${overlap / 40}`);
        }
      }
      for (const [a, b] of pairs) await Promise.all([a.close(), b.close()]);
    });
  }

  it('dropped floats (wasm, binary): the snapshot says its vectors are decoded, on both faces', async () => {
    const w = new wasm.VectorDb({ dimensions: 24, metric: 'euclidean', quantization: 'binary', floats: 'drop' });
    await w.insertBatch(rows);
    const wi = await w.info();
    assert.deepEqual([wi.floats, wi.vectorsDecoded, wi.memory.floats], ['drop', true, 0]);
    const got = await w.get('x5');
    assert.equal(got.vectorDecoded, true);
    const n = await core.VectorDb.deserialize(await w.serialize());
    assert.equal((await n.info()).vectorsDecoded, true);
    const back = await n.get('x5');
    assert.equal(back.vectorDecoded, true);
    assert.deepEqual(Array.from(back.vector), Array.from(got.vector));
    const plain = new core.VectorDb({ dimensions: 24, metric: 'euclidean', quantization: 'binary' });
    await plain.insert(rows[5]);
    assert.equal((await plain.get('x5')).vectorDecoded, undefined, 'said only when decoded');
    await Promise.all([w.close(), n.close(), plain.close()]);
  });

  it('native -> wasm (dot, flat + filter)', async () => {
    const n = new core.VectorDb({ dimensions: 24, metric: 'dot', index: 'flat' });
    await n.insertBatch(rows);
    const w = await wasm.VectorDb.deserialize(await n.serialize());
    assert.deepEqual(await w.info().then((i) => [i.metric, i.index, i.count]), ['dot', 'flat', 3000]);
    for (const q of rows.slice(0, 10)) {
      const query = { vector: q.vector, k: 5, includeMetadata: true, filter: { tag: 'b' } };
      sameHits(await w.search(query), await n.search(query));
    }
    await Promise.all([w.close(), n.close()]);
  });

  it('saved to IndexedDB by wasm, the stored chunks load in the native addon', async () => {
    const w = new wasm.VectorDb({ dimensions: 24 });
    await w.insertBatch(rows.slice(0, 500));
    await w.saveToIndexedDB('cross');
    // Read the raw chunks, as a browser would hand them to a server.
    const idb = await new Promise((res, rej) => { const r = indexedDB.open('ruvector'); r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const chunks = await new Promise((res) => {
      const r = idb.transaction('chunks').objectStore('chunks').getAll(IDBKeyRange.bound(['cross', 0], ['cross', Infinity]));
      r.onsuccess = () => res(r.result);
    });
    idb.close();
    const bytes = Buffer.concat(chunks.map((c) => Buffer.from(c)));
    const n = await core.VectorDb.deserialize(bytes);
    assert.equal(await n.len(), 500);
    sameHits(await n.search({ vector: rows[1].vector, k: 5 }), await w.search({ vector: rows[1].vector, k: 5 }));
    await Promise.all([w.close(), n.close()]);
  });
});
