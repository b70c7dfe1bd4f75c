// The shared JS contract suite (docs/js-contract.md): every JS face of ruvector
// (@ruvector/core native, @ruvector/wasm, and the `ruvector` package on either
// backend) runs this very file under `node --test`.
//
//   import { contractSuite } from '../../../tests/js/contract.mjs';
//   contractSuite('@ruvector/core', async () => ({
//     ...(await import('@ruvector/core')),
//     capabilities: { durable: true },
//   }));
//
// loadModule() returns (or resolves to) { VectorDb, version, simdLevel, capabilities }.
// capabilities (all optional, default false):
//   durable  the backend supports `storagePath` (durable storage, reopen); wasm has
//            none, so those tests report themselves skipped with the reason.
// Everything else is backend-neutral: only the public API of docs/js-contract.md is used, and
// errors are checked by their `.code`.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rng } from './rng.mjs';

const CODES = [
  'INVALID_ARGUMENT', 'DIMENSION_MISMATCH', 'NOT_FOUND', 'ALREADY_EXISTS', 'CORRUPTION', 'IO_ERROR',
  'UNSUPPORTED', 'RESOURCE_EXHAUSTED', 'LOCKED', 'INTERNAL',
];

// ---- helpers (deterministic data, brute force in JS) ----

export { rng };

export function randomVectors(n, dim, seed) {
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = r() * 2 - 1;
    out.push(v);
  }
  return out;
}

export const distance = {
  euclidean(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return Math.sqrt(s);
  },
  cosine(a, b) {
    let d = 0, na = 0, nb = 0;
    for (let i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return 1 - d / Math.sqrt(na * nb);
  },
  dot(a, b) {
    let d = 0;
    for (let i = 0; i < a.length; i++) d += a[i] * b[i];
    return -d;
  },
  manhattan(a, b) {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
    return s;
  },
};

// Exact top-k as [{id, score}] over items [{id, vector, metadata}].
export function bruteForce(items, query, k, metric, pred = () => true) {
  return items
    .filter((it) => pred(it.metadata))
    .map((it) => ({ id: it.id, score: distance[metric](query, it.vector) }))
    .sort((x, y) => x.score - y.score || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
    .slice(0, k);
}

export function recall(got, truth) {
  if (truth.length === 0) return 1;
  const want = new Set(truth.map((h) => h.id));
  return got.filter((h) => want.has(h.id)).length / truth.length;
}

// Awaits fn() (which may throw synchronously or reject) and checks the error's code.
async function expectCode(fn, code, { type, message } = {}) {
  let err;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected an error with code ${code}, but the call succeeded`);
  assert.ok(err instanceof Error, `expected an Error instance, got ${err}`);
  assert.equal(err.code, code, `wrong code for: ${err.message}`);
  assert.ok(CODES.includes(err.code));
  assert.ok(typeof err.message === 'string' && err.message.length > 10, 'message says what was wrong');
  if (type) assert.ok(err instanceof type, `expected a ${type.name}, got ${err.constructor.name}: ${err.message}`);
  if (message) assert.match(err.message, message);
  return err;
}

function closeTo(actual, expected, tol = 1e-5) {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`);
}

function sameVector(actual, expected) {
  assert.ok(actual instanceof Float32Array, 'vectors come back as Float32Array');
  assert.deepEqual(Array.from(actual), Array.from(Float32Array.from(expected)));
}

async function snapshotOf(db, probe) {
  return { len: await db.len(), hits: await db.search({ vector: probe, k: 5 }) };
}

async function maybeClose(db) {
  if (db && typeof db.close === 'function') await db.close();
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// ---- the suite ----

export function contractSuite(name, loadModule) {
  describe(`contract: ${name}`, () => {
    let M;
    let caps;
    const tmpDirs = [];
    const tmpDir = () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-contract-'));
      tmpDirs.push(d);
      return d;
    };

    before(async () => {
      M = await loadModule();
      caps = { durable: false, ...(M.capabilities || {}) };
      assert.equal(typeof M.VectorDb, 'function', 'exports VectorDb');
    });
    // Temp dirs are removed at process exit (a durable db may still be closing).
    process.on('exit', () => {
      for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
    });

    describe('module', () => {
      it('exports VectorDb, VectorDB, version() and simdLevel()', () => {
        // VectorDB is the VectorDb alias, except in @ruvector/wasm, where it is the
        // reference's synchronous class (tested in npm/wasm/test/wasm-api.test.mjs).
        if (!caps.syncVectorDB) assert.equal(M.VectorDB ?? M.VectorDb, M.VectorDb);
        else assert.equal(typeof M.VectorDB, 'function');
        assert.match(M.version(), /^\d+\.\d+\.\d+/);
        assert.ok(['scalar', 'avx2', 'avx512', 'neon', 'simd128'].includes(M.simdLevel()), M.simdLevel());
      });
    });

    describe('CRUD', () => {
      it('insert, get, len, isEmpty, delete', async () => {
        const db = new M.VectorDb({ dimensions: 3 });
        assert.equal(await db.isEmpty(), true);
        assert.equal(await db.len(), 0);
        assert.equal(await db.insert({ id: 'a', vector: new Float32Array([1, 2, 3]), metadata: { color: 'red', n: 1 } }), 'a');
        assert.equal(await db.insert({ id: 'b', vector: [3, 2, 1] }), 'b'); // number[] accepted
        assert.equal(await db.len(), 2);
        assert.equal(await db.isEmpty(), false);
        const a = await db.get('a');
        assert.equal(a.id, 'a');
        sameVector(a.vector, [1, 2, 3]);
        assert.deepEqual(a.metadata, { color: 'red', n: 1 });
        const b = await db.get('b');
        assert.ok(b.metadata === null || b.metadata === undefined, 'no metadata -> null/undefined');
        assert.equal(await db.get('missing'), null);
        assert.equal(await db.delete('a'), true);
        assert.equal(await db.delete('a'), false);
        assert.equal(await db.get('a'), null);
        assert.equal(await db.len(), 1);
        await maybeClose(db);
      });

      it('generates a UUID v4 when the id is omitted; numbers become decimal strings', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        const id = await db.insert({ vector: [1, 0] });
        assert.match(id, UUID_V4);
        assert.ok(await db.get(id));
        assert.equal(await db.insert({ id: 42, vector: [0, 1] }), '42');
        assert.equal((await db.get(42)).id, '42');
        assert.equal((await db.get('42')).id, '42');
        const ids = await db.insertBatch([{ vector: [1, 1] }, { id: 7, vector: [1, 2] }, { id: 'x', vector: [2, 1] }]);
        assert.equal(ids.length, 3);
        assert.match(ids[0], UUID_V4);
        assert.deepEqual(ids.slice(1), ['7', 'x']);
        assert.equal(await db.len(), 5);
        await maybeClose(db);
      });

      it('metadata round-trips as plain JSON objects (nested, arrays, unicode)', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        const meta = { s: 'héllo ✓', n: -1.5, i: 12345678901, t: true, f: false, z: null, arr: [1, 'two', { three: 3 }], o: { p: { q: 'deep' } } };
        await db.insert({ id: 'm', vector: [1, 2], metadata: meta });
        assert.deepEqual((await db.get('m')).metadata, meta);
        const [hit] = await db.search({ vector: [1, 2], k: 1, includeMetadata: true });
        assert.deepEqual(hit.metadata, meta);
        await maybeClose(db);
      });

      it('results carry metadata by default, distance beside score, and the vector when read', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        await db.insert({ id: 'a', vector: [1, 2], metadata: { k: 1 } });
        await db.insert({ id: 'b', vector: [2, 1] });
        const [plain, other] = await db.search({ vector: [1, 2], k: 2 });
        assert.equal(plain.id, 'a');
        assert.equal(typeof plain.score, 'number');
        assert.equal(plain.distance, plain.score);
        assert.deepEqual(plain.metadata, { k: 1 });
        assert.ok(!('metadata' in other), 'an entry without metadata has no metadata property');
        // The vector is read when the program reads it, and is not an own (serialised) property.
        assert.ok(!Object.keys(plain).includes('vector'));
        sameVector(plain.vector, [1, 2]);
        assert.deepEqual(JSON.parse(JSON.stringify(plain)), { id: 'a', score: plain.score, distance: plain.score, metadata: { k: 1 } });
        const [slim] = await db.search({ vector: [1, 2], k: 1, includeMetadata: false });
        assert.ok(!('metadata' in slim));
        const [full] = await db.search({ vector: [1, 2], k: 1, includeVector: true });
        assert.ok(Object.keys(full).includes('vector'));
        sameVector(full.vector, [1, 2]);
        assert.equal(await db.count(), 2);
        await maybeClose(db);
      });

      it('k larger than the count returns everything; an empty database returns []', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        assert.deepEqual(await db.search({ vector: [1, 1], k: 5 }), []);
        await db.insertBatch([{ id: 'a', vector: [1, 0] }, { id: 'b', vector: [0, 1] }]);
        assert.equal((await db.search({ vector: [1, 1], k: 100 })).length, 2);
        await maybeClose(db);
      });

      it('insertBatch with progressCallback inserts in chunks and reports each one', async () => {
        const db = new M.VectorDb({ dimensions: 4, index: 'flat' });
        const vs = randomVectors(2500, 4, 21);
        const calls = [];
        const ids = await db.insertBatch(vs.map((vector, i) => ({ id: `p${i}`, vector, metadata: { i } })),
          { batchSize: 1000, progressCallback: (...args) => calls.push(args) });
        assert.deepEqual(ids, vs.map((_, i) => `p${i}`));
        assert.deepEqual(calls, [[0.4, 1000, 2500], [0.8, 2000, 2500], [1, 2500, 2500]]);
        assert.equal(await db.len(), 2500);
        const rec = await db.get('p1999');
        sameVector(rec.vector, vs[1999]);
        assert.deepEqual(rec.metadata, { i: 1999 });
        // The default chunk is 1000; the callback alone is enough to chunk.
        const more = [];
        await db.insertBatch(vs.slice(0, 1500).map((vector, i) => ({ id: `q${i}`, vector })), { progressCallback: (f) => more.push(f) });
        assert.deepEqual(more, [1000 / 1500, 1]);
        // Bad options: nothing inserted.
        await expectCode(() => db.insertBatch([{ id: 'z', vector: [1, 2, 3, 4] }], { progressCallback: 'yes' }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insertBatch([{ id: 'z', vector: [1, 2, 3, 4] }], { batchSize: 0 }), 'INVALID_ARGUMENT', { type: RangeError });
        await expectCode(() => db.insertBatch([{ id: 'z', vector: [1, 2, 3, 4] }], { batchSise: 10 }), 'INVALID_ARGUMENT', { message: /did you mean 'batchSize'/ });
        await expectCode(() => db.insertBatch([{ id: 'z', vector: [1, 2, 3, 4] }], 5), 'INVALID_ARGUMENT', { type: TypeError });
        // A JS-level bad entry anywhere rejects before the first chunk goes in.
        await expectCode(() => db.insertBatch([...vs.slice(0, 5).map((vector, i) => ({ id: `r${i}`, vector })), { id: 'bad', vector: 'x' }],
          { batchSize: 2 }), 'INVALID_ARGUMENT', { type: TypeError, message: /entry 5/ });
        assert.equal(await db.get('r0'), null);
        assert.equal(await db.len(), 4000);
        await maybeClose(db);
      });

      it('a failing chunk names the entry by its place in the whole batch; earlier chunks stay', async () => {
        const db = new M.VectorDb({ dimensions: 4, index: 'flat' });
        const entries = randomVectors(10, 4, 22).map((vector, i) => ({ id: `c${i}`, vector }));
        entries[7] = { id: 'c7', vector: [1, 2, 3] };  // the engine finds the wrong length
        const seen = [];
        const err = await expectCode(() => db.insertBatch(entries, { batchSize: 3, progressCallback: (f, done) => seen.push(done) }),
          'DIMENSION_MISMATCH', { message: /entry 7\b/ });
        assert.equal(err.inserted, 6);
        assert.deepEqual(seen, [3, 6]);
        assert.equal(await db.len(), 6);
        assert.equal(await db.get('c6'), null);  // the failing chunk is all or nothing
        const one = await expectCode(() => db.insertBatch(entries.slice(6, 8), { batchSize: 1 }), 'DIMENSION_MISMATCH', { message: /entry 1\b/ });
        assert.equal(one.inserted, 1);
        // A throwing callback stops the insert with its own error.
        const boom = new Error('stop here');
        await assert.rejects(db.insertBatch(entries.slice(0, 6).map((e) => ({ ...e, id: `d${e.id}` })),
          { batchSize: 2, progressCallback: () => { throw boom; } }), (e) => e === boom && e.inserted === 2);
        assert.equal(await db.len(), 9);
        await maybeClose(db);
      });

      it('searchBatch returns one list per query, equal to single searches', async () => {
        const db = new M.VectorDb({ dimensions: 8, index: 'flat' });
        const vs = randomVectors(200, 8, 11);
        await db.insertBatch(vs.map((vector, i) => ({ id: `v${i}`, vector })));
        const queries = randomVectors(5, 8, 12).map((vector) => ({ vector, k: 4 }));
        const batch = await db.searchBatch(queries);
        assert.equal(batch.length, 5);
        for (let i = 0; i < queries.length; i++) assert.deepEqual(batch[i], await db.search(queries[i]));
        assert.deepEqual(await db.searchBatch([]), []);
        await maybeClose(db);
      });
    });

    describe('upsert', () => {
      for (const index of ['hnsw', 'flat']) {
        it(`re-inserting an id replaces vector and metadata, leaves nothing stale (${index})`, async () => {
          const db = new M.VectorDb({ dimensions: 4, metric: 'euclidean', index });
          const others = randomVectors(100, 4, 5).map((vector, i) => ({ id: `o${i}`, vector: vector.map((x) => x + 10), metadata: { kind: 'other' } }));
          await db.insertBatch(others);
          await db.insert({ id: 'x', vector: [0, 0, 0, 0], metadata: { kind: 'old', only: 'old' } });
          await db.insert({ id: 'x', vector: [5, 5, 5, 5], metadata: { kind: 'new' } });
          assert.equal(await db.len(), 101);
          const x = await db.get('x');
          sameVector(x.vector, [5, 5, 5, 5]);
          assert.deepEqual(x.metadata, { kind: 'new' }); // old keys do not survive
          // Near the old vector: x appears at most once, with its new distance.
          const hits = await db.search({ vector: [0, 0, 0, 0], k: 101, includeMetadata: true });
          const xs = hits.filter((h) => h.id === 'x');
          assert.equal(xs.length, 1);
          closeTo(xs[0].score, 10);
          assert.deepEqual(xs[0].metadata, { kind: 'new' });
          assert.deepEqual(await db.search({ vector: [0, 0, 0, 0], k: 5, filter: { kind: 'old' } }), []);
          assert.deepEqual(await db.search({ vector: [0, 0, 0, 0], k: 5, filter: { only: { $exists: true } } }), []);
          // Upsert inside a batch (the later duplicate wins).
          await db.insertBatch([{ id: 'y', vector: [1, 1, 1, 1] }, { id: 'y', vector: [2, 2, 2, 2], metadata: { v: 2 } }]);
          const y = await db.get('y');
          sameVector(y.vector, [2, 2, 2, 2]);
          assert.deepEqual(y.metadata, { v: 2 });
          assert.equal(await db.len(), 102);
          await maybeClose(db);
        });
      }
    });

    describe('metrics and scores', () => {
      const a = [1, 2, 3, 4];
      const b = [4, -5, 6, 0.5];
      const expected = {
        euclidean: distance.euclidean(a, b),
        cosine: distance.cosine(a, b),
        dot: distance.dot(a, b),
        manhattan: distance.manhattan(a, b),
      };
      for (const metric of Object.keys(expected)) {
        for (const index of ['flat', 'hnsw']) {
          it(`${metric} score is exact (${index})`, async () => {
            const db = new M.VectorDb({ dimensions: 4, distanceMetric: metric, index });
            await db.insert({ id: 'b', vector: b });
            await db.insert({ id: 'a', vector: a });
            const hits = await db.search({ vector: a, k: 2 });
            const hb = hits.find((h) => h.id === 'b');
            closeTo(hb.score, expected[metric]);
            const ha = hits.find((h) => h.id === 'a');
            closeTo(ha.score, distance[metric](a, a));
            assert.ok(hits[0].score <= hits[1].score, 'sorted ascending');
            await maybeClose(db);
          });
        }
      }

      it('cosine is the default and lies in [0, 2]', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        await db.insertBatch([{ id: 'same', vector: [1, 1] }, { id: 'orth', vector: [1, -1] }, { id: 'opp', vector: [-2, -2] }]);
        const hits = await db.search({ vector: [3, 3], k: 3 });
        assert.deepEqual(hits.map((h) => h.id), ['same', 'orth', 'opp']);
        closeTo(hits[0].score, 0);
        closeTo(hits[1].score, 1);
        closeTo(hits[2].score, 2);
        await maybeClose(db);
      });

      it('metric names are case-insensitive, with aliases, under distanceMetric or metric', async () => {
        const cases = { l2: 'euclidean', EUCLIDEAN: 'euclidean', Euclidean: 'euclidean', Cosine: 'cosine', DotProduct: 'dot',
          innerproduct: 'dot', ip: 'dot', Dot: 'dot', L1: 'manhattan', Manhattan: 'manhattan' };
        for (const [alias, metric] of Object.entries(cases)) {
          for (const key of ['distanceMetric', 'metric']) {
            const db = new M.VectorDb({ dimensions: 4, [key]: alias });
            await db.insertBatch([{ id: 'a', vector: a }, { id: 'b', vector: b }]);
            const hb = (await db.search({ vector: a, k: 2 })).find((h) => h.id === 'b');
            closeTo(hb.score, expected[metric]);
            await maybeClose(db);
          }
        }
      });

      it('euclidean is not squared; dot is the negated inner product', async () => {
        const db = new M.VectorDb({ dimensions: 2, metric: 'euclidean' });
        await db.insert({ id: 'p', vector: [3, 4] });
        closeTo((await db.search({ vector: [0, 0.000001], k: 1 }))[0].score, 5, 1e-4);
        const dot = new M.VectorDb({ dimensions: 2, metric: 'dot' });
        await dot.insertBatch([{ id: 'small', vector: [1, 1] }, { id: 'big', vector: [10, 10] }]);
        const hits = await dot.search({ vector: [1, 2], k: 2 });
        assert.deepEqual(hits.map((h) => h.id), ['big', 'small']);
        closeTo(hits[0].score, -30);
        closeTo(hits[1].score, -3);
        await maybeClose(db);
        await maybeClose(dot);
      });

      it('ties are broken by id', async () => {
        for (const index of ['flat', 'hnsw']) {
          const db = new M.VectorDb({ dimensions: 3, metric: 'euclidean', index });
          for (const id of ['m', 'c', 'z', 'a', 'k']) await db.insert({ id, vector: [1, 1, 1] });
          await db.insert({ id: 'far', vector: [9, 9, 9] });
          const hits = await db.search({ vector: [1, 1, 2], k: 6 });
          assert.deepEqual(hits.map((h) => h.id), ['a', 'c', 'k', 'm', 'z', 'far'], index);
          await maybeClose(db);
        }
      });
    });

    describe('filters', () => {
      const N = 1000;
      const DIM = 16;
      const items = randomVectors(N, DIM, 77).map((vector, i) => {
        const metadata = { i, group: i % 100, parity: i % 2 === 0 ? 'even' : 'odd', score: (i * 37) % 101, nested: { v: i % 10, w: { deep: i % 4 } } };
        if (i % 3 === 0) metadata.opt = i % 5;
        return { id: `id${String(i).padStart(4, '0')}`, vector, metadata };
      });
      const queries = randomVectors(5, DIM, 78);
      const cases = [
        ['equality', { parity: 'even' }, (m) => m.parity === 'even'],
        ['$eq', { group: { $eq: 3 } }, (m) => m.group === 3],
        ['$ne', { parity: { $ne: 'even' } }, (m) => m.parity !== 'even'],
        ['$gt', { score: { $gt: 90 } }, (m) => m.score > 90],
        ['$gte', { score: { $gte: 90 } }, (m) => m.score >= 90],
        ['$lt', { score: { $lt: 5 } }, (m) => m.score < 5],
        ['$lte', { score: { $lte: 5 } }, (m) => m.score <= 5],
        ['range', { score: { $gte: 10, $lt: 20 } }, (m) => m.score >= 10 && m.score < 20],
        ['$in', { group: { $in: [1, 2, 3] } }, (m) => [1, 2, 3].includes(m.group)],
        ['$nin', { 'nested.v': { $nin: [0, 1, 2, 3, 4, 5, 6, 7] } }, (m) => ![0, 1, 2, 3, 4, 5, 6, 7].includes(m.nested.v)],
        ['$exists true', { opt: { $exists: true } }, (m) => m.opt !== undefined],
        ['$exists false', { opt: { $exists: false } }, (m) => m.opt === undefined],
        ['dotted path', { 'nested.w.deep': 2 }, (m) => m.nested.w.deep === 2],
        ['$and', { $and: [{ parity: 'odd' }, { 'nested.v': { $gte: 5 } }] }, (m) => m.parity === 'odd' && m.nested.v >= 5],
        ['$or', { $or: [{ group: 1 }, { score: { $gt: 99 } }] }, (m) => m.group === 1 || m.score > 99],
        ['$not', { $not: { parity: 'even' } }, (m) => !(m.parity === 'even')],
        ['field $not', { score: { $not: { $gt: 10 } } }, (m) => !(m.score > 10)],
        ['implicit and of fields', { parity: 'even', 'nested.v': 4 }, (m) => m.parity === 'even' && m.nested.v === 4],
        ['1% selective', { group: 42 }, (m) => m.group === 42],
        ['matches nothing', { group: 1000 }, () => false],
      ];
      let flat;
      let hnsw;
      before(async () => {
        flat = new M.VectorDb({ dimensions: DIM, metric: 'euclidean', index: 'flat' });
        hnsw = new M.VectorDb({ dimensions: DIM, metric: 'euclidean' });
        await flat.insertBatch(items);
        await hnsw.insertBatch(items);
      });
      for (const [label, filter, pred] of cases) {
        it(`${label}: ${JSON.stringify(filter)}`, async () => {
          const matching = items.filter((it) => pred(it.metadata)).length;
          for (const q of queries) {
            const truth = bruteForce(items, q, 10, 'euclidean', pred);
            const exact = await flat.search({ vector: q, k: 10, filter, includeMetadata: true });
            assert.equal(exact.length, Math.min(10, matching));
            for (const h of exact) assert.ok(pred(h.metadata), `${h.id} does not match`);
            exact.forEach((h, j) => closeTo(h.score, truth[j].score, 1e-4));
            const approx = await hnsw.search({ vector: q, k: 10, filter, includeMetadata: true });
            assert.equal(approx.length, Math.min(10, matching), 'a filtered search returns k whenever k match');
            for (const h of approx) assert.ok(pred(h.metadata), `${h.id} does not match`);
            assert.ok(recall(approx, truth) >= 0.7, `recall ${recall(approx, truth)}`);
          }
        });
      }
      it('an empty filter matches everything', async () => {
        assert.equal((await flat.search({ vector: queries[0], k: 10, filter: {} })).length, 10);
      });
    });

    describe('search quality', () => {
      it('efSearch is honoured: higher ef gives at least the recall of lower ef', async () => {
        const DIM = 24;
        const data = randomVectors(3000, DIM, 101).map((vector, i) => ({ id: `p${i}`, vector }));
        const db = new M.VectorDb({ dimensions: DIM, metric: 'euclidean', hnswConfig: { m: 4, efConstruction: 16, efSearch: 10 } });
        await db.insertBatch(data);
        const qs = randomVectors(40, DIM, 102);
        const measure = async (ef) => {
          let sum = 0;
          for (const q of qs) sum += recall(await db.search({ vector: q, k: 10, efSearch: ef }), bruteForce(data, q, 10, 'euclidean'));
          return sum / qs.length;
        };
        const low = await measure(10);
        const high = await measure(400);
        assert.ok(high >= low, `recall ef=400 ${high} < ef=10 ${low}`);
        assert.ok(high >= 0.95, `recall at ef=400 is ${high}`);
        assert.ok(low < high || low === 1, `efSearch has no visible effect (${low} vs ${high})`);
        // Default parameters reach recall@10 >= 0.95 on this data.
        const dflt = new M.VectorDb({ dimensions: DIM, metric: 'euclidean' });
        await dflt.insertBatch(data);
        let sum = 0;
        for (const q of qs) sum += recall(await dflt.search({ vector: q, k: 10 }), bruteForce(data, q, 10, 'euclidean'));
        assert.ok(sum / qs.length >= 0.95, `default recall@10 ${sum / qs.length}`);
        await maybeClose(db);
        await maybeClose(dflt);
      });

      it('after many deletes, search still returns k and keeps recall', async () => {
        const DIM = 16;
        const data = randomVectors(1500, DIM, 201).map((vector, i) => ({ id: `d${i}`, vector }));
        const db = new M.VectorDb({ dimensions: DIM, metric: 'euclidean' });
        await db.insertBatch(data);
        const r = rng(202);
        const deleted = new Set();
        while (deleted.size < 1000) deleted.add(`d${Math.floor(r() * data.length)}`);
        for (const id of deleted) assert.equal(await db.delete(id), true);
        assert.equal(await db.len(), 500);
        const alive = data.filter((d) => !deleted.has(d.id));
        let sum = 0;
        const qs = randomVectors(30, DIM, 203);
        for (const q of qs) {
          const hits = await db.search({ vector: q, k: 10 });
          assert.equal(hits.length, 10);
          for (const h of hits) assert.ok(!deleted.has(h.id), `deleted ${h.id} returned`);
          sum += recall(hits, bruteForce(alive, q, 10, 'euclidean'));
        }
        assert.ok(sum / qs.length >= 0.9, `recall after deletes ${sum / qs.length}`);
        await maybeClose(db);
      });
    });

    describe('snapshots', () => {
      it('serialize() -> VectorDb.deserialize() round trip', async () => {
        const db = new M.VectorDb({ dimensions: 8, metric: 'manhattan', hnswConfig: { m: 8, efConstruction: 50, efSearch: 40 } });
        const data = randomVectors(300, 8, 301).map((vector, i) => ({ id: `s${i}`, vector, metadata: { i } }));
        await db.insertBatch(data);
        await db.delete('s5');
        const bytes = await db.serialize();
        assert.ok(bytes instanceof Uint8Array, 'bytes are a Uint8Array (or Buffer)');
        assert.ok(bytes.length > 300 * 8 * 4);
        const copy = await M.VectorDb.deserialize(bytes);
        assert.equal(await copy.len(), 299);
        assert.equal(await copy.get('s5'), null);
        assert.deepEqual(await copy.get('s7'), await db.get('s7'));
        const q = randomVectors(1, 8, 302)[0];
        assert.deepEqual(await copy.search({ vector: q, k: 10, includeMetadata: true }), await db.search({ vector: q, k: 10, includeMetadata: true }));
        // The copy is independent and writable.
        await copy.insert({ id: 'new', vector: q });
        assert.equal(await copy.len(), 300);
        assert.equal(await db.len(), 299);
        // A plain Uint8Array works too.
        const again = await M.VectorDb.deserialize(new Uint8Array(bytes));
        assert.equal(await again.len(), 299);
        await Promise.all([maybeClose(db), maybeClose(copy), maybeClose(again)]);
      });

      it('truncated or corrupted snapshots are CORRUPTION', async () => {
        const db = new M.VectorDb({ dimensions: 4 });
        await db.insertBatch(randomVectors(50, 4, 303).map((vector, i) => ({ id: `c${i}`, vector })));
        const bytes = new Uint8Array(await db.serialize());
        await expectCode(() => M.VectorDb.deserialize(bytes.slice(0, bytes.length - 7)), 'CORRUPTION');
        await expectCode(() => M.VectorDb.deserialize(bytes.slice(0, 10)), 'CORRUPTION');
        await expectCode(() => M.VectorDb.deserialize(new Uint8Array(0)), 'CORRUPTION');
        for (const at of [3, 40, Math.floor(bytes.length / 2), bytes.length - 2]) {
          const bad = bytes.slice();
          bad[at] ^= 0x5a;
          await expectCode(() => M.VectorDb.deserialize(bad), 'CORRUPTION');
        }
        await maybeClose(db);
      });
    });

    describe('durable storage', () => {
      it('persists across close and reopen', async (t) => {
        if (!caps.durable) return t.skip('this backend has no durable storage (capabilities.durable is false)');
        const dir = path.join(tmpDir(), 'db');
        const data = randomVectors(400, 8, 401).map((vector, i) => ({ id: `p${i}`, vector, metadata: { i } }));
        let db = await M.VectorDb.open?.({ dimensions: 8, metric: 'euclidean', storagePath: dir }) ??
          new M.VectorDb({ dimensions: 8, metric: 'euclidean', storagePath: dir });
        await db.insertBatch(data.slice(0, 300));
        for (const d of data.slice(300)) await db.insert(d);
        await db.delete('p3');
        await db.insert({ id: 'p4', vector: data[4].vector, metadata: { i: 4, replaced: true } });
        const q = randomVectors(1, 8, 402)[0];
        const before = await db.search({ vector: q, k: 10, includeMetadata: true });
        await db.close();
        // Reopen with only the path: settings come from the store.
        db = new M.VectorDb({ storagePath: dir });
        assert.equal(await db.len(), 399);
        assert.equal(await db.get('p3'), null);
        assert.deepEqual((await db.get('p4')).metadata, { i: 4, replaced: true });
        sameVector((await db.get('p7')).vector, data[7].vector);
        assert.deepEqual(await db.search({ vector: q, k: 10, includeMetadata: true }), before);
        await db.insert({ id: 'after', vector: q });
        await db.close();
        db = new M.VectorDb({ storagePath: dir, dimensions: 8 });
        assert.equal(await db.len(), 400);
        await db.close();
      });

      it('stored settings are authoritative: contradicting options are INVALID_ARGUMENT', async (t) => {
        if (!caps.durable) return t.skip('this backend has no durable storage (capabilities.durable is false)');
        const dir = path.join(tmpDir(), 'db');
        const db = new M.VectorDb({ dimensions: 4, metric: 'cosine', storagePath: dir });
        await db.insert({ id: 'a', vector: [1, 2, 3, 4] });
        await db.close();
        await expectCode(async () => { const x = new M.VectorDb({ dimensions: 5, storagePath: dir }); await x.len(); }, 'INVALID_ARGUMENT');
        await expectCode(async () => { const x = new M.VectorDb({ metric: 'euclidean', storagePath: dir }); await x.len(); }, 'INVALID_ARGUMENT');
        const ok = new M.VectorDb({ storagePath: dir });
        assert.equal(await ok.len(), 1);
        await ok.close();
      });
    });

    describe('lifecycle', () => {
      it('a closed database rejects calls with code INVALID_ARGUMENT ("database is closed")', async () => {
        const db = new M.VectorDb({ dimensions: 2 });
        await db.insert({ id: 'a', vector: [1, 2] });
        await db.close();
        await db.close(); // idempotent
        await expectCode(() => db.len(), 'INVALID_ARGUMENT', { message: /closed/ });
        await expectCode(() => db.search({ vector: [1, 2], k: 1 }), 'INVALID_ARGUMENT', { message: /closed/ });
        await expectCode(() => db.insert({ vector: [1, 2] }), 'INVALID_ARGUMENT', { message: /closed/ });
      });
    });

    describe('bad input: the right code, and the database unchanged', () => {
      const probe = [0.5, 0.25, 0.125];
      let db;
      let base;
      before(async () => {
        db = new M.VectorDb({ dimensions: 3 });
        await db.insertBatch([
          { id: 'a', vector: [1, 2, 3], metadata: { g: 1 } },
          { id: 'b', vector: [3, 2, 1], metadata: { g: 2 } },
          { id: 'c', vector: [1, 1, 1] },
        ]);
        base = await snapshotOf(db, probe);
      });
      const unchanged = async () => assert.deepEqual(await snapshotOf(db, probe), base);

      it('wrong dimension -> DIMENSION_MISMATCH (insert, insertBatch, search, searchBatch)', async () => {
        const err = await expectCode(() => db.insert({ id: 'x', vector: [1, 2] }), 'DIMENSION_MISMATCH', { message: /2.*3|3.*2/ });
        assert.match(err.message, /expect/);
        await expectCode(() => db.insert({ id: 'x', vector: [1, 2, 3, 4] }), 'DIMENSION_MISMATCH');
        await expectCode(() => db.insertBatch([{ id: 'x', vector: [1, 2, 3] }, { id: 'y', vector: [1] }]), 'DIMENSION_MISMATCH');
        await expectCode(() => db.search({ vector: [1, 2], k: 1 }), 'DIMENSION_MISMATCH');
        await expectCode(() => db.searchBatch([{ vector: [1, 2, 3], k: 1 }, { vector: [1], k: 1 }]), 'DIMENSION_MISMATCH');
        await unchanged();
      });

      it('NaN, +Infinity, -Infinity -> INVALID_ARGUMENT (vectors and queries)', async () => {
        for (const bad of [NaN, Infinity, -Infinity]) {
          await expectCode(() => db.insert({ id: 'x', vector: [1, bad, 3] }), 'INVALID_ARGUMENT');
          await expectCode(() => db.insert({ id: 'x', vector: new Float32Array([bad, 1, 1]) }), 'INVALID_ARGUMENT');
          await expectCode(() => db.search({ vector: [1, 1, bad], k: 1 }), 'INVALID_ARGUMENT');
        }
        await unchanged();
      });

      it('zero vectors under cosine are accepted and score exactly 1', async () => {
        const c = new M.VectorDb({ dimensions: 3, metric: 'cosine' });
        await c.insert({ id: 'zero', vector: [0, 0, 0] });
        await c.insert({ id: 'x', vector: [1, 0, 0] });
        const hits = await c.search({ vector: [1, 0, 0], k: 2 });
        assert.deepEqual(hits.map((h) => h.id), ['x', 'zero']);
        assert.equal(hits[1].score, 1);
        for (const h of await c.search({ vector: [0, 0, 0], k: 2 })) assert.equal(h.score, 1);
        await maybeClose(c);
        await unchanged();
      });

      it('k = 0 -> INVALID_ARGUMENT', async () => {
        await expectCode(() => db.search({ vector: probe, k: 0 }), 'INVALID_ARGUMENT');
        await unchanged();
      });

      it('malformed filter -> INVALID_ARGUMENT, never ignored', async () => {
        await expectCode(() => db.search({ vector: probe, k: 1, filter: { g: { $gtx: 1 } } }), 'INVALID_ARGUMENT', { message: /\$gtx/ });
        await expectCode(() => db.search({ vector: probe, k: 1, filter: { $or: 'x' } }), 'INVALID_ARGUMENT');
        await expectCode(() => db.search({ vector: probe, k: 1, filter: { $and: [] } }), 'INVALID_ARGUMENT');
        await expectCode(() => db.search({ vector: probe, k: 1, filter: { g: { $in: 5 } } }), 'INVALID_ARGUMENT');
        await expectCode(() => db.search({ vector: probe, k: 1, filter: { g: { $exists: 'yes' } } }), 'INVALID_ARGUMENT');
        await unchanged();
      });

      it('unknown metric, dimension 0 and 65537 -> INVALID_ARGUMENT; 65536 is fine', async () => {
        // Open errors: thrown by the constructor, or (a worker, a browser before the module is
        // loaded) reported by `ready`.
        const open = (o) => async () => (await new M.VectorDb(o).ready);
        await expectCode(open({ dimensions: 3, distanceMetric: 'hamming' }), 'INVALID_ARGUMENT', { message: /hamming/ });
        await expectCode(open({ dimensions: 3, metric: 'hamming' }), 'INVALID_ARGUMENT');
        await expectCode(open({ dimensions: 0 }), 'INVALID_ARGUMENT');
        await expectCode(open({ dimensions: 65537 }), 'INVALID_ARGUMENT', { message: /65536/ });
        await expectCode(open({ dimensions: 3, index: 'ivf' }), 'INVALID_ARGUMENT');
        const big = new M.VectorDb({ dimensions: 65536 });
        assert.equal(await big.len(), 0);
        await maybeClose(big);
      });

      it('insertBatch is all-or-nothing and names the bad position', async () => {
        const entries = [0, 1, 2, 3, 4].map((i) => ({ id: `n${i}`, vector: [i + 1, 1, 1] }));
        entries[3] = { id: 'n3', vector: [1, NaN, 1] };
        const err = await expectCode(() => db.insertBatch(entries), 'INVALID_ARGUMENT');
        assert.match(err.message, /3/);
        for (const i of [0, 1, 2, 4]) assert.equal(await db.get(`n${i}`), null);
        await unchanged();
      });

      it('wrong JS types -> TypeError with code INVALID_ARGUMENT', async () => {
        await expectCode(() => db.insert({ id: 'x', vector: 'not a vector' }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insert({ id: 'x', vector: [1, 'two', 3] }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insert({ id: 'x', vector: [1, 2, 3], metadata: [1, 2] }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insert({ id: 'x', vector: [1, 2, 3], metadata: 'json string' }), 'INVALID_ARGUMENT', { type: RangeError });
        await expectCode(() => db.insert({ id: 'x', vector: [1, 2, 3], metadata: () => 1 }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insert({ id: { no: 1 }, vector: [1, 2, 3] }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.search({ vector: probe, k: 1, filter: 'g = 1' }), 'INVALID_ARGUMENT', { type: RangeError });
        await expectCode(() => db.search({ vector: probe, k: 1, filter: 5 }), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.insertBatch('nope'), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => db.search(null), 'INVALID_ARGUMENT', { type: TypeError });
        await expectCode(() => new M.VectorDb({ dimensions: '3x' }), 'INVALID_ARGUMENT', { type: TypeError });
        await unchanged();
      });

      it('the database keeps working after all of the above', async () => {
        await db.insert({ id: 'later', vector: [2, 2, 2] });
        assert.equal(await db.len(), base.len + 1);
        assert.equal(await db.delete('later'), true);
        await unchanged();
      });
    });
  });
}
