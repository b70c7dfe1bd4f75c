// Tests of the `ruvector` facade that run once per backend (contract-native.test.mjs,
// contract-wasm.test.mjs): getBackend(), the reference system's conveniences through
// the facade, features one backend lacks (UNSUPPORTED), and snapshots moving between
// the two backends (the other backend is loaded directly from its package).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repo = path.resolve(pkgDir, '../..');
const require = createRequire(path.join(pkgDir, 'package.json'));

async function codeOf(fn) {
  try {
    await fn();
  } catch (e) {
    return e.code;
  }
  return 'no error';
}

// rv.VectorDb is the backend's class behind a Proxy that adds the redis:// form
// (index.js): the same prototype and statics, and local databases are the backend's.
async function backendClassBehindFacade(rv, BackendVectorDb) {
  assert.equal(rv.VectorDb.prototype, BackendVectorDb.prototype, 'the backend class, behind the facade');
  assert.equal(rv.VectorDb.deserialize, BackendVectorDb.deserialize);
  const db = new rv.VectorDb({ dimensions: 2 });
  assert.ok(db instanceof BackendVectorDb, 'a local database is an instance of the backend class');
  await db.close();
}

export function facadeSuite(rv, expected) {
  const other = expected === 'native' ? require('@ruvector/wasm') : require('@ruvector/core');

  describe(`ruvector facade on the ${expected} backend`, () => {
    it('getBackend() says which backend loaded, why, and its SIMD level and version', async () => {
      const b = await rv.ready();
      assert.equal(b.name, expected);
      assert.deepEqual(rv.getBackend(), b);
      assert.equal(b.reason, `RUVECTOR_BACKEND=${expected}`);
      assert.equal(b.version, rv.version());
      assert.match(b.version, /^\d+\.\d+\.\d+/);
      assert.equal(b.simdLevel, rv.simdLevel());
      if (expected === 'native') {
        assert.ok(['avx512', 'avx2', 'scalar', 'neon'].includes(b.simdLevel), b.simdLevel);
        assert.equal(b.package, '@ruvector/core');
        assert.match(b.path, /\.node$/);
        await backendClassBehindFacade(rv, require('@ruvector/core').VectorDb);
      } else {
        assert.ok(['simd128', 'scalar'].includes(b.simdLevel), b.simdLevel);
        assert.equal(b.package, '@ruvector/wasm');
        assert.match(b.path, /\.wasm$/);
        await backendClassBehindFacade(rv, require('@ruvector/wasm').VectorDb);
      }
      assert.equal(b.packageVersion, require(`${b.package}/package.json`).version);
      assert.deepEqual(b.tried, []);
      assert.equal(rv.VectorDB, rv.VectorDb);
      assert.equal(rv.capabilities.backend, expected);
      assert.equal(rv.capabilities.durable, expected === 'native');
      assert.equal(rv.getImplementationType(), expected);
      assert.equal(rv.isNative(), expected === 'native');
      assert.equal(rv.isWasm(), expected === 'wasm');
    });

    it('ESM and CommonJS entries share one module instance', async () => {
      const esm = await import('ruvector');
      assert.equal(esm.VectorDb, rv.VectorDb);
      assert.equal(esm.default.VectorDb, rv.VectorDb);
      assert.equal(esm.getBackend().name, expected);
    });

    it('reference conveniences: metric aliases in any case, dimension, number[] vectors, metadata objects', async () => {
      const cases = [['Cosine', 'cosine'], ['COSINE', 'cosine'], ['L2', 'euclidean'], ['Euclidean', 'euclidean'],
        ['DotProduct', 'dot'], ['dot_product', 'dot'], ['Inner-Product', 'dot'], ['ip', 'dot'], ['L1', 'manhattan'],
        ['Manhattan', 'manhattan']];
      for (const [alias, canonical] of cases) {
        const db = new rv.VectorDb({ dimension: 3, metric: alias });
        assert.equal((await db.info()).metric, canonical, alias);
        await db.close();
        const db2 = new rv.VectorDb({ dimensions: 3, distanceMetric: alias });
        assert.equal((await db2.info()).metric, canonical, alias);
        await db2.close();
      }
      const db = new rv.VectorDb({ dimension: 3, metric: 'l2', hnsw: { m: 8, efConstruction: 32, efSearch: 20 } });
      const info = await db.info();
      assert.equal(info.dimensions, 3);
      assert.equal(info.hnswConfig.m, 8);
      assert.equal(info.hnswConfig.efSearch, 20);
      await db.insert({ id: 'a', vector: [1, 0, 0], metadata: { tag: 'x', n: 1, nested: { ok: true } } });
      await db.insert({ id: 7, vector: new Float32Array([0, 1, 0]) });
      const hits = await db.search({ vector: [0.9, 0.1, 0], k: 2, includeMetadata: true });
      assert.deepEqual(hits.map((h) => h.id), ['a', '7']);
      assert.deepEqual(hits[0].metadata, { tag: 'x', n: 1, nested: { ok: true } });
      assert.deepEqual((await db.search({ vector: [0, 1, 0], k: 2, filter: { tag: 'x' } })).map((h) => h.id), ['a']);
      assert.deepEqual((await db.get('a')).metadata, { tag: 'x', n: 1, nested: { ok: true } });
      await db.close();
    });

    it('features of the other backend fail with UNSUPPORTED', async () => {
      if (expected === 'wasm') {
        // storagePath (alias path) is native-only.
        assert.equal(await codeOf(() => new rv.VectorDb({ dimensions: 3, storagePath: path.join(os.tmpdir(), 'x') })), 'UNSUPPORTED');
        assert.equal(await codeOf(() => new rv.VectorDb({ dimensions: 3, path: path.join(os.tmpdir(), 'x') })), 'UNSUPPORTED');
      } else {
        // path is the alias of storagePath: a durable database.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-facade-'));
        try {
          const db = await rv.VectorDb.open({ dimension: 2, path: path.join(dir, 'db') });
          await db.insert({ id: 'a', vector: [1, 2] });
          assert.match((await db.info()).storage, /lmdb/);
          await db.close();
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }
      // IndexedDB is browser-only: in Node it is UNSUPPORTED on both backends.
      const db = new rv.VectorDb({ dimensions: 2 });
      await db.insert({ id: 'a', vector: [1, 2] });
      assert.equal(await codeOf(() => db.saveToIndexedDB('x')), 'UNSUPPORTED');
      assert.equal(await codeOf(() => rv.VectorDb.loadFromIndexedDB('x')), 'UNSUPPORTED');
      assert.equal(await db.len(), 1, 'the database still works');
      await db.close();
    });

    it(`serialize() moves data between the backends (${expected} <-> ${expected === 'native' ? 'wasm' : 'native'})`, async () => {
      const data = Array.from({ length: 200 }, (_, i) => ({
        id: `v${i}`, vector: Array.from({ length: 16 }, (_, j) => Math.sin(i * 16 + j)), metadata: { i, even: i % 2 === 0 },
      }));
      const db = new rv.VectorDb({ dimensions: 16, metric: 'euclidean' });
      await db.insertBatch(data);
      const q = { vector: data[3].vector, k: 5, includeMetadata: true, filter: { even: false } };
      const want = await db.search(q);
      // ours -> other
      const there = await other.VectorDb.deserialize(await db.serialize());
      assert.equal(await there.len(), 200);
      assert.deepEqual(await there.search(q), want);
      await there.insert({ id: 'added-there', vector: data[5].vector, metadata: { i: -1, even: false } });
      // other -> ours
      const back = await rv.VectorDb.deserialize(await there.serialize());
      assert.equal(await back.len(), 201);
      assert.deepEqual((await back.get('added-there')).metadata, { i: -1, even: false });
      assert.deepEqual(await back.search(q), await there.search(q));
      await Promise.all([db.close(), there.close(), back.close()]);
    });
  });
}
