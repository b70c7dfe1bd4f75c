// The bundler test app (tests/bundlers/bundlers.test.mjs builds it with Vite and with
// webpack from the packed tarballs, then runs it in Chromium). It uses the three
// browser faces as an app would, with no bundler configuration for the .wasm files or
// the worker: @ruvector/wasm (insert, search against a brute-force oracle, IndexedDB
// save and load), @ruvector/wasm/worker (the same in a module worker) and ruvector's
// browser entry. The outcome goes to window.__ruvectorResult.
import { VectorDb, ready, simdLevel, version } from '@ruvector/wasm';
import { createWorkerDb } from '@ruvector/wasm/worker';
import * as facade from 'ruvector';

const DIM = 8;
const N = 200;

function vectors(seed, n) {
  let s = seed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
  return Array.from({ length: n }, () => Array.from({ length: DIM }, next));
}
const data = vectors(42, N);
const queries = vectors(7, 10);
const entries = data.map((vector, i) => ({ id: `v${i}`, vector, metadata: { i } }));

function bruteForce(q, k) {
  const d = (v) => Math.sqrt(v.reduce((a, x, j) => a + (x - q[j]) ** 2, 0));
  return data.map((v, i) => ({ id: `v${i}`, dist: d(v) })).sort((a, b) => a.dist - b.dist || (a.id < b.id ? -1 : 1))
    .slice(0, k).map((h) => h.id);
}

// Exact (flat) indexes, so every answer must equal the brute-force one.
async function checkSearches(db, what) {
  for (const q of queries) {
    const got = (await db.search({ vector: q, k: 5 })).map((h) => h.id);
    const want = bruteForce(q, 5);
    if (got.join() !== want.join()) throw new Error(`${what}: search returned ${got} instead of ${want}`);
  }
  return queries.length;
}

async function run() {
  const out = { version: version() };
  await ready();
  out.simd = simdLevel();
  const db = new VectorDb({ dimensions: DIM, distanceMetric: 'euclidean', index: 'flat' });
  await db.insertBatch(entries);
  out.count = await db.len();
  out.searches = await checkSearches(db, '@ruvector/wasm');
  await db.saveToIndexedDB('bundler-test');
  const loaded = await VectorDb.loadFromIndexedDB('bundler-test');
  out.loadedCount = await loaded.len();
  out.loadedSearches = await checkSearches(loaded, 'loaded from IndexedDB');

  const w = await createWorkerDb({ dimensions: DIM, distanceMetric: 'euclidean', index: 'flat' });
  await w.insertBatch(entries);
  out.workerCount = await w.len();
  out.workerSearches = await checkSearches(w, '@ruvector/wasm/worker');
  await w.close();

  const b = await facade.ready();
  out.facade = { name: b.name, version: b.version };
  const f = new facade.VectorDb({ dimensions: DIM, distanceMetric: 'euclidean', index: 'flat' });
  await f.insertBatch(entries);
  out.facadeSearches = await checkSearches(f, 'ruvector (browser entry)');
  out.wasmFetched = performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname).filter((p) => p.endsWith('.wasm'));
  return out;
}

run().then((r) => { window.__ruvectorResult = r; }, (e) => { window.__ruvectorResult = { error: String(e && e.stack || e) }; });
