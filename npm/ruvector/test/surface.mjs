// The reference system's conveniences in `ruvector` (lib/compat.mjs): Utils, the
// backend-information functions and VectorIndex, run once per backend by
// surface-native.test.mjs and surface-wasm.test.mjs. Oracles: hand-computed values,
// brute force over the same vectors, a snapshot file reopened by another process and
// by the other backend's package.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(pkgDir, 'package.json'));

// A fixed-seed generator (xorshift32), so failures reproduce.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296 - 0.5;
  };
}
const vectors = (n, d, seed) => {
  const r = rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, r));
};

async function failure(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

export function surfaceSuite(rv, expected) {
  const other = () => (expected === 'native' ? require('@ruvector/wasm') : require('@ruvector/core'));
  let dir;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), `ruvector-surface-${expected}-`)); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe(`Utils (${expected})`, () => {
    it('cosineSimilarity, euclideanDistance: hand-computed values, zero vectors, typed arrays', () => {
      assert.ok(Math.abs(rv.Utils.cosineSimilarity([1, 0], [1, 1]) - Math.SQRT1_2) < 1e-12);
      assert.equal(rv.Utils.cosineSimilarity([1, 2, 3], [-1, -2, -3]), -1);
      assert.equal(rv.Utils.cosineSimilarity([0, 0, 0], [1, 2, 3]), 0, 'zero vector: 0, never NaN');
      assert.equal(rv.Utils.euclideanDistance([0, 0], [3, 4]), 5);
      assert.equal(rv.Utils.euclideanDistance(new Float32Array([1, 1]), [1, 1]), 0);
    });

    it('vectors of different lengths: RangeError DIMENSION_MISMATCH naming both dimensions', () => {
      for (const f of ['cosineSimilarity', 'euclideanDistance']) {
        assert.throws(() => rv.Utils[f]([1, 2, 3], [1, 2, 3, 4]), (err) => {
          assert.ok(err instanceof RangeError, f);
          assert.equal(err.code, 'DIMENSION_MISMATCH');
          assert.match(err.message, /dimension 3\b.*dimension 4\b/);
          return true;
        });
      }
      assert.throws(() => rv.Utils.cosineSimilarity('abc', [1, 2, 3]), (e) => e instanceof TypeError && e.code === 'INVALID_ARGUMENT');
    });

    it('normalize keeps the kind and returns a copy; randomVector is a unit vector of the asked dimension', () => {
      assert.deepEqual(rv.Utils.normalize([3, 4]), [0.6, 0.8]);
      const f = rv.Utils.normalize(new Float32Array([0, 5]));
      assert.ok(f instanceof Float32Array);
      assert.deepEqual(Array.from(f), [0, 1]);
      const z = [0, 0];
      const nz = rv.Utils.normalize(z);
      assert.deepEqual(nz, [0, 0]);
      assert.notEqual(nz, z);
      const v = rv.Utils.randomVector(64);
      assert.equal(v.length, 64);
      assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-9);
      assert.notDeepEqual(rv.Utils.randomVector(64), v);
      assert.throws(() => rv.Utils.randomVector(0), (e) => e instanceof RangeError && e.code === 'INVALID_ARGUMENT');
      assert.throws(() => rv.Utils.randomVector(2.5), (e) => e instanceof TypeError && e.code === 'INVALID_ARGUMENT');
    });
  });

  describe(`backend information (${expected})`, () => {
    it('getImplementationType, isNative, isWasm, isRvf, isNativeAvailable, getVersion, getBackendInfo', () => {
      const version = require('./package.json').version;
      assert.equal(rv.getImplementationType(), expected);
      assert.equal(rv.isNative(), expected === 'native');
      assert.equal(rv.isWasm(), expected === 'wasm');
      assert.equal(rv.isRvf(), false);
      assert.equal(rv.isNativeAvailable(), expected === 'native');
      assert.deepEqual(rv.getVersion(), { version, implementation: expected });
      const info = rv.getBackendInfo();
      assert.equal(info.type, expected);
      assert.equal(info.version, version);
      assert.equal(info.engineVersion, rv.version());
      assert.equal(info.simdLevel, rv.simdLevel());
      assert.ok(info.features.includes('HNSW index'));
      assert.equal(info.features.includes('Durable storage'), expected === 'native');
      assert.equal(info.features.includes('Multi-threading'), expected === 'native');
      assert.ok(info.features.some((f) => f.includes(rv.simdLevel())), info.features.join());
    });
  });

  describe(`VectorIndex (${expected})`, () => {
    const data = vectors(300, 16, 7).map((values, i) => ({ id: `v${i}`, values }));
    const queries = vectors(10, 16, 99);

    it('options are checked: dimension required and positive, indexType hnsw or flat', async () => {
      for (const [opts, Ctor] of [[undefined, TypeError], [{}, TypeError], [{ dimension: 0 }, RangeError],
        [{ dimension: 1.5 }, TypeError], [{ dimension: 4, indexType: 'ivf' }, RangeError]]) {
        const e = await failure(() => new rv.VectorIndex(opts));
        assert.ok(e instanceof Ctor, `${JSON.stringify(opts)}: ${e}`);
        assert.equal(e.code, 'INVALID_ARGUMENT');
      }
    });

    it('insert, insertBatch with batches and progress, search equals brute force (flat), get, delete, stats', async () => {
      const index = new rv.VectorIndex({ dimension: 16, metric: 'euclidean', indexType: 'flat' });
      assert.equal(await index.insert(data[0]), 'v0');
      const seen = [];
      const ids = await index.insertBatch(data.slice(1), { batchSize: 64, progressCallback: (p) => seen.push(p) });
      assert.deepEqual(ids, data.slice(1).map((e) => e.id));
      assert.equal(seen.length, Math.ceil(299 / 64));
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
      assert.equal(seen.at(-1), 1);
      for (const q of queries) {
        const want = data.map((e) => ({ id: e.id, d: rv.Utils.euclideanDistance(q, e.values) }))
          .sort((a, b) => a.d - b.d).slice(0, 5);
        const got = await index.search(q, { k: 5 });
        assert.deepEqual(got.map((h) => h.id), want.map((w) => w.id));
        for (let i = 0; i < 5; i++) assert.ok(Math.abs(got[i].score - want[i].d) < 1e-4);
      }
      const g = await index.get('v3');
      assert.equal(g.id, 'v3');
      assert.ok(Array.isArray(g.values));
      assert.deepEqual(g.values, Array.from(new Float32Array(data[3].values)));
      assert.equal(await index.get('nope'), null);
      assert.equal(await index.delete('v3'), true);
      assert.equal(await index.delete('v3'), false);
      assert.deepEqual(await index.stats(), { ...(await index.stats()), vectorCount: 299, dimension: 16, metric: 'euclidean', indexType: 'flat' });
      await index.optimize();
      await index.clear();
      assert.equal((await index.stats()).vectorCount, 0);
      await index.insert({ id: 'again', values: data[0].values });
      assert.deepEqual((await index.search(data[0].values, { k: 1 })).map((h) => h.id), ['again']);
      await index.close();
    });

    it('default HNSW cosine index: every stored vector finds itself first', async () => {
      const index = new rv.VectorIndex({ dimension: 16 });
      await index.insertBatch(data);
      const s = await index.stats();
      assert.equal(s.metric, 'cosine');
      assert.equal(s.indexType, 'hnsw');
      for (const e of data.slice(0, 50)) assert.equal((await index.search(e.values, { k: 1 }))[0].id, e.id);
      await index.close();
    });

    it('save(path) / load(path) persist: another process and the other backend read the file', async () => {
      const file = path.join(dir, 'index.rvs');
      const index = new rv.VectorIndex({ dimension: 16, metric: 'cosine' });
      await index.insertBatch(data.map((e, i) => ({ ...e, metadata: { i } })));
      const bytes = await index.save(file);
      assert.equal(fs.statSync(file).size, bytes);
      const want = await Promise.all(queries.map((q) => index.search(q, { k: 5 })));

      const reloaded = await rv.VectorIndex.load(file);
      assert.deepEqual(await reloaded.stats(), await index.stats());
      for (let i = 0; i < queries.length; i++) assert.deepEqual(await reloaded.search(queries[i], { k: 5 }), want[i]);
      assert.deepEqual((await reloaded.get('v5')).metadata, { i: 5 });

      const into = new rv.VectorIndex({ dimension: 16, metric: 'euclidean' });
      await into.insert({ id: 'old', values: data[0].values });
      await into.load(file);
      assert.equal((await into.stats()).vectorCount, 300);
      assert.equal((await into.stats()).metric, 'cosine', 'the file brings its metric');
      assert.equal(await into.get('old'), null);

      // Another process, another backend: the file is the only link.
      const script = `const rv = require(${JSON.stringify(pkgDir)});
        rv.VectorIndex.load(process.argv[1]).then(async (ix) => {
          const hits = await ix.search(${JSON.stringify(queries[0])}, { k: 5 });
          console.log(JSON.stringify({ backend: rv.getImplementationType(), ids: hits.map((h) => h.id), stats: await ix.stats() }));
        }).catch((e) => { console.error(e); process.exit(1); });`;
      const otherName = expected === 'native' ? 'wasm' : 'native';
      const env = { ...process.env, RUVECTOR_BACKEND: otherName };
      delete env.NODE_TEST_CONTEXT;
      const r = spawnSync(process.execPath, ['-e', script, file], { env, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.backend, otherName);
      assert.deepEqual(out.ids, want[0].map((h) => h.id));
      assert.equal(out.stats.vectorCount, 300);
      const there = await other().VectorDb.deserialize(fs.readFileSync(file));
      assert.equal(await there.len(), 300);
      await Promise.all([index.close(), reloaded.close(), into.close(), there.close()]);
    });

    it('load errors leave the index unchanged: wrong dimension, missing file, damaged file', async () => {
      const file = path.join(dir, 'small.rvs');
      const small = new rv.VectorIndex({ dimension: 4 });
      await small.insert({ id: 'a', values: [1, 0, 0, 0] });
      await small.save(file);
      const index = new rv.VectorIndex({ dimension: 16 });
      await index.insert(data[0]);
      let e = await failure(() => index.load(file));
      assert.ok(e instanceof RangeError);
      assert.equal(e.code, 'DIMENSION_MISMATCH');
      assert.match(e.message, /dimension 4\b.*dimension 16\b/);
      e = await failure(() => index.load(path.join(dir, 'missing.rvs')));
      assert.equal(e.code, 'NOT_FOUND');
      const bytes = fs.readFileSync(file);
      const damaged = path.join(dir, 'damaged.rvs');
      fs.writeFileSync(damaged, bytes.subarray(0, bytes.length - 9));
      e = await failure(() => index.load(damaged));
      assert.equal(e.code, 'CORRUPTION');
      fs.writeFileSync(damaged, Buffer.from('not a snapshot at all'));
      e = await failure(() => rv.VectorIndex.load(damaged));
      assert.equal(e.code, 'CORRUPTION');
      assert.equal((await index.stats()).vectorCount, 1);
      assert.equal((await index.search(data[0].values, { k: 1 }))[0].id, 'v0');
      e = await failure(() => index.save(''));
      assert.equal(e.code, 'INVALID_ARGUMENT');
      await Promise.all([small.close(), index.close()]);
    });
  });
}
