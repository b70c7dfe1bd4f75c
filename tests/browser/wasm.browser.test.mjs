// @ruvector/wasm in a real browser: Debian's Chromium driven by playwright-core (no
// browser download), pages served by examples/browser/serve.mjs on 127.0.0.1:0.
//
//   node --test tests/browser/          (scripts/test-wasm.sh runs it)
//
// Needs: apt-get install chromium (or CHROMIUM_PATH), npm ci in npm/wasm (playwright-core),
// and a built package (scripts/build-wasm.sh). The screenshot of the example page goes
// to build-wasm-browser/example.png (not committed).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../examples/browser/serve.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const requireWasm = createRequire(path.join(repo, 'npm/wasm/package.json'));
const { chromium } = requireWasm('playwright-core');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const OUT = path.join(repo, 'build-wasm-browser');

let core = null;
try {
  core = createRequire(path.join(repo, 'npm/core/package.json'))(path.join(repo, 'npm/core'));
  const probe = new core.VectorDb({ dimensions: 2 });  // a half-built addon counts as absent
  await probe.insert({ id: 'p', vector: [1, 2] });
  await probe.search({ vector: [1, 2], k: 1 });
  await probe.close();
} catch {
  core = null;  // the native addon is not built here: the cross-face checks are skipped
}

let server;
let context;
const problems = [];  // console errors and page errors, from every page

async function openPage(url) {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${url}: console.${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${url}: pageerror: ${e.message}`));
  await page.goto(`${server.url}${url}`);
  return page;
}

async function harness(query = '') {
  const page = await openPage(`/tests/browser/harness.html${query}`);
  await page.waitForFunction(() => window.harnessReady === true, null, { timeout: 30_000 });
  return page;
}

const toB64 = (u8) => Buffer.from(u8).toString('base64');

describe('Chromium: @ruvector/wasm', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install chromium (or set CHROMIUM_PATH)`);
    assert.ok(fs.existsSync(path.join(repo, 'npm/wasm/dist/ruvector-simd.wasm')), 'build first: scripts/build-wasm.sh');
    fs.mkdirSync(OUT, { recursive: true });
    server = await startServer();
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    if (context) await context.close();
    if (server) await server.close();
  });

  it('contract essentials on the simd128 build (ESM from import.meta.url, application/wasm)', async () => {
    const page = await harness();
    const r = await page.evaluate(async () => {
      const { VectorDb, VectorDB, detectSIMD, simdLevel, version, ready, benchmark } = window.rv;
      const out = {};
      out.ready = await ready();
      out.detectSIMD = detectSIMD();
      out.simdLevel = simdLevel();
      out.version = version();
      const err = async (f) => {
        try { await f(); return null; } catch (e) { return { name: e.constructor.name, code: e.code, message: e.message }; }
      };
      const db = new VectorDb({ dimensions: 4, metric: 'euclidean' });
      out.ids = await db.insertBatch([
        { id: 'a', vector: [1, 0, 0, 0], metadata: { t: 'x', n: 1, deep: { v: [1, 2] } } },
        { id: 'b', vector: new Float32Array([0, 1, 0, 0]), metadata: { t: 'y', n: 2 } },
        { vector: [0, 0, 1, 0] },
      ]);
      out.search = await db.search({ vector: [1, 0, 0, 0], k: 3, includeMetadata: true });
      out.filtered = await db.search({ vector: [1, 0, 0, 0], k: 3, filter: { n: { $gte: 2 } } });
      const g = await db.get('a');
      out.get = { id: g.id, vector: Array.from(g.vector), metadata: g.metadata };
      out.missing = await db.get('zzz');
      out.del = [await db.delete('b'), await db.delete('b')];
      out.len = await db.len();
      out.errDim = await err(() => db.insert({ vector: [1, 2] }));
      out.errType = await err(() => db.insert({ vector: 'x' }));
      out.errFilter = await err(() => db.search({ vector: [1, 0, 0, 0], filter: { n: { $bad: 1 } } }));
      out.errCorrupt = await err(() => VectorDb.deserialize(new Uint8Array([1, 2, 3])));
      out.errStorage = await err(() => new VectorDb({ dimensions: 3, storagePath: '/x' }));
      out.lenAfterErrors = await db.len();
      const copy = await VectorDb.deserialize(await db.serialize());
      out.copyLen = await copy.len();
      out.scores = {};
      for (const m of ['euclidean', 'cosine', 'dot', 'manhattan']) {
        const d = new VectorDb({ dimensions: 4, metric: m, index: 'flat' });
        await d.insert({ id: 'b', vector: [4, -5, 6, 0.5] });
        out.scores[m] = (await d.search({ vector: [1, 2, 3, 4], k: 1 }))[0].score;
        await d.close();
      }
      // HNSW recall against the exact index on random data.
      let s = 7;
      const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
      const data = Array.from({ length: 3000 }, (_, i) => ({ id: `p${i}`, vector: Float32Array.from({ length: 32 }, rnd) }));
      const hnsw = new VectorDb({ dimensions: 32 });
      const flat = new VectorDb({ dimensions: 32, index: 'flat' });
      await hnsw.insertBatch(data);
      await flat.insertBatch(data);
      let hit = 0;
      for (let q = 0; q < 50; q++) {
        const v = Float32Array.from({ length: 32 }, rnd);
        const truth = new Set((await flat.search({ vector: v, k: 10 })).map((h) => h.id));
        hit += (await hnsw.search({ vector: v, k: 10 })).filter((h) => truth.has(h.id)).length;
      }
      out.recall = hit / 500;
      // The reference system's form; metadata is a plain object (not a Map).
      const legacy = new VectorDB(4, 'cosine', false);
      await legacy.insert(new Float32Array([1, 2, 3, 4]), 'L', { k: 1 });
      const lh = await legacy.search(new Float32Array([1, 2, 3, 4]), 1);
      out.legacy = { id: lh[0].id, plain: Object.getPrototypeOf(lh[0].metadata) === Object.prototype, meta: lh[0].metadata };
      out.benchSearch = await benchmark('search', 500, 32);
      out.benchInsert = await benchmark('insert', 500, 32);
      await Promise.all([db.close(), copy.close(), hnsw.close(), flat.close(), legacy.close()]);
      return out;
    });
    assert.deepEqual(r.ready, { backend: 'simd', simdLevel: 'simd128', version: r.version });
    assert.equal(r.detectSIMD, true);
    assert.equal(r.simdLevel, 'simd128');
    assert.match(r.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(r.ids.slice(0, 2), ['a', 'b']);
    assert.match(r.ids[2], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(r.search[0].id, 'a');
    assert.deepEqual(r.search.slice(1).map((h) => h.id), ['b', r.ids[2]].sort(), 'a tie is broken by id');
    assert.equal(r.search[0].score, 0);
    assert.ok(Math.abs(r.search[1].score - Math.SQRT2) < 1e-6);
    assert.deepEqual(r.search[0].metadata, { t: 'x', n: 1, deep: { v: [1, 2] } });
    assert.equal(r.search.find((h) => h.id === r.ids[2]).metadata, undefined, 'no metadata property for an entry without metadata');
    assert.deepEqual(r.filtered.map((h) => h.id), ['b']);
    assert.deepEqual(r.get, { id: 'a', vector: [1, 0, 0, 0], metadata: { t: 'x', n: 1, deep: { v: [1, 2] } } });
    assert.equal(r.missing, null);
    assert.deepEqual(r.del, [true, false]);
    assert.equal(r.len, 2);
    assert.deepEqual([r.errDim.name, r.errDim.code], ['RangeError', 'DIMENSION_MISMATCH']);
    assert.match(r.errDim.message, /vector has 2 values, database expects 4/);
    assert.deepEqual([r.errType.name, r.errType.code], ['TypeError', 'INVALID_ARGUMENT']);
    assert.deepEqual([r.errFilter.code, /\$bad/.test(r.errFilter.message)], ['INVALID_ARGUMENT', true]);
    assert.equal(r.errCorrupt.code, 'CORRUPTION');
    assert.equal(r.errStorage.code, 'UNSUPPORTED');
    assert.equal(r.lenAfterErrors, 2);
    assert.equal(r.copyLen, 2);
    const a = [1, 2, 3, 4];
    const b = [4, -5, 6, 0.5];
    const dot = a.reduce((s, x, i) => s + x * b[i], 0);
    const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const want = {
      euclidean: Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0)),
      cosine: 1 - dot / (norm(a) * norm(b)),
      dot: -dot,
      manhattan: a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0),
    };
    for (const m of Object.keys(want)) assert.ok(Math.abs(r.scores[m] - want[m]) < 1e-5 * Math.max(1, Math.abs(want[m])), `${m}: ${r.scores[m]}`);
    assert.ok(r.recall >= 0.95, `recall@10 ${r.recall}`);
    assert.deepEqual(r.legacy, { id: 'L', plain: true, meta: { k: 1 } });
    assert.ok(r.benchSearch > 100 && r.benchInsert > 100, `benchmark ${r.benchSearch} / ${r.benchInsert} ops/s`);
    await page.close();
  });

  let saved;  // what the first page saw, compared after the reload and on the baseline build

  it('saveToIndexedDB, reload the page, loadFromIndexedDB and search again', async () => {
    const page = await harness();
    saved = await page.evaluate(async () => {
      const { VectorDb, listIndexedDB, deleteIndexedDB } = window.rv;
      for (const m of await listIndexedDB()) await deleteIndexedDB(m.name);
      let s = 99;
      const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296 - 0.5; };
      const db = new VectorDb({ dimensions: 32, metric: 'euclidean' });
      await db.insertBatch(Array.from({ length: 5000 }, (_, i) => ({ id: `v${i}`, vector: Float32Array.from({ length: 32 }, rnd), metadata: { i, bucket: i % 7 } })));
      const query = Array.from({ length: 32 }, rnd);
      const manifest = await db.saveToIndexedDB('e2e');
      const hits = await db.search({ vector: query, k: 10, includeMetadata: true, filter: { bucket: 3 } });
      await db.close();
      return { manifest, hits, query };
    });
    assert.equal(saved.manifest.count, 5000);
    assert.equal(saved.hits.length, 10);
    await page.reload();
    await page.waitForFunction(() => window.harnessReady === true);
    const after = await page.evaluate(async (query) => {
      const { VectorDb, listIndexedDB } = window.rv;
      const list = await listIndexedDB();
      const db = await VectorDb.loadFromIndexedDB('e2e');
      const out = { list, len: await db.len(), hits: await db.search({ vector: query, k: 10, includeMetadata: true, filter: { bucket: 3 } }) };
      await db.close();
      return out;
    }, saved.query);
    assert.deepEqual(after.list.map((m) => m.name), ['e2e']);
    assert.equal(after.len, 5000);
    assert.deepEqual(after.hits, saved.hits);
    await page.close();
  });

  it('the baseline build, forced: same answers, detectSIMD() false, reads the same IndexedDB', async () => {
    const page = await harness('?backend=baseline');
    const r = await page.evaluate(async (query) => {
      const { VectorDb, ready, detectSIMD, simdLevel } = window.rv;
      const out = { ready: await ready(), detectSIMD: detectSIMD(), simdLevel: simdLevel() };
      const db = await VectorDb.loadFromIndexedDB('e2e');
      out.hits = await db.search({ vector: query, k: 10, includeMetadata: true, filter: { bucket: 3 } });
      out.wasm = performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm'));
      await db.close();
      return out;
    }, saved.query);
    assert.equal(r.ready.backend, 'baseline');
    assert.equal(r.detectSIMD, false);
    assert.equal(r.simdLevel, 'scalar');
    assert.deepEqual(r.wasm.map((u) => u.split('/').pop()), ['ruvector.wasm'], 'only the baseline module was fetched');
    assert.deepEqual(r.hits.map((h) => h.id), saved.hits.map((h) => h.id));
    r.hits.forEach((h, i) => assert.ok(Math.abs(h.score - saved.hits[i].score) < 1e-5));
    await page.close();
  });

  it('the Web Worker client: one database in a module worker, errors keep .code, clean shutdown', async () => {
    const page = await harness();
    const r = await page.evaluate(async () => {
      const { createWorkerDb, WorkerVectorDb } = window.rvWorker;
      const err = async (f) => {
        try { await f(); return null; } catch (e) { return { name: e.constructor.name, code: e.code }; }
      };
      const db = await createWorkerDb({ dimensions: 8, metric: 'cosine' });
      const vectors = Array.from({ length: 1000 }, (_, i) => Float32Array.from({ length: 8 }, (_, j) => Math.sin(i + j * 2) + 1.1));
      const ids = await db.insertBatch(vectors.map((vector, i) => ({ id: `w${i}`, vector, metadata: { i } })));
      const out = { ids: ids.length, stillAttached: vectors[0].length };
      const hits = await db.search({ vector: vectors[10], k: 3, includeVector: true, includeMetadata: true });
      out.top = hits[0].id;
      out.vectorType = hits[0].vector.constructor.name;
      out.runtime = await db.runtime();
      out.errDim = await err(() => db.insert({ vector: [1, 2] }));
      out.errType = await err(() => db.search({ vector: 'x' }));
      out.errOpen = await err(() => createWorkerDb({ dimensions: 3, metric: 'nope' }));
      const bytes = await db.serialize();
      const other = await WorkerVectorDb.deserialize(bytes);
      out.otherLen = await other.len();
      await db.close();
      out.afterClose = await err(() => db.len());
      await other.close();
      return out;
    });
    assert.equal(r.ids, 1000);
    assert.equal(r.stillAttached, 8, 'the caller\'s arrays are copied, not detached');
    assert.equal(r.top, 'w10');
    assert.equal(r.vectorType, 'Float32Array');
    assert.equal(r.runtime.backend, 'simd');
    assert.deepEqual(r.errDim, { name: 'RangeError', code: 'DIMENSION_MISMATCH' });
    assert.deepEqual(r.errType, { name: 'TypeError', code: 'INVALID_ARGUMENT' });
    assert.equal(r.errOpen.code, 'INVALID_ARGUMENT');
    assert.equal(r.otherLen, 1000);
    assert.equal(r.afterClose.code, 'INVALID_ARGUMENT');
    await page.close();
  });

  it('snapshots cross faces: browser -> native addon and native -> browser', { skip: core ? false : 'npm/core (the native addon) is not built here' }, async () => {
    const page = await harness();
    const fromBrowser = await page.evaluate(async (query) => {
      const db = await window.rv.VectorDb.loadFromIndexedDB('e2e');
      const bytes = await db.serialize();
      await db.close();
      let bin = '';
      for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(bin);
    }, saved.query);
    const native = await core.VectorDb.deserialize(Buffer.from(fromBrowser, 'base64'));
    assert.equal(await native.len(), 5000);
    const nh = await native.search({ vector: saved.query, k: 10, includeMetadata: true, filter: { bucket: 3 } });
    assert.deepEqual(nh.map((h) => h.id), saved.hits.map((h) => h.id));
    // And back: a snapshot written by the native addon, loaded in the page.
    await native.insert({ id: 'from-node', vector: saved.query, metadata: { bucket: 3, node: true } });
    const back = await page.evaluate(async ([b64, query]) => {
      const bin = atob(b64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      const db = await window.rv.VectorDb.deserialize(bytes);
      const top = (await db.search({ vector: query, k: 1, includeMetadata: true }))[0];
      const len = await db.len();
      await db.close();
      return { top, len };
    }, [toB64(await native.serialize()), saved.query]);
    assert.equal(back.len, 5001);
    assert.equal(back.top.id, 'from-node');
    assert.deepEqual(back.top.metadata, { bucket: 3, node: true });
    await native.close();
    await page.close();
  });

  it('the example page builds an index, searches on input, shows timings and the SIMD level (screenshot)', async () => {
    const page = await openPage('/examples/browser/index.html');
    await page.setViewportSize({ width: 1100, height: 820 });
    await page.waitForFunction(() => document.querySelector('#status')?.dataset.state === 'ready', null, { timeout: 60_000 });
    await page.fill('#query', 'quantum physics');
    await page.waitForFunction(() => document.querySelector('#results')?.dataset.query === 'quantum physics', null, { timeout: 10_000 });
    const info = await page.evaluate(() => ({
      simd: document.querySelector('#simd').textContent,
      count: Number(document.querySelector('#count').dataset.value),
      rows: document.querySelectorAll('#results tbody tr').length,
      timing: document.querySelector('#search-time').textContent,
    }));
    await page.screenshot({ path: path.join(OUT, 'example.png'), fullPage: true });
    assert.match(info.simd, /simd128/);
    assert.ok(info.count >= 2000, `${info.count} vectors`);
    assert.equal(info.rows, 10);
    assert.match(info.timing, /\d/);
    await page.close();
  });

  it('no console errors or warnings on any page (MIME types, CSP, missing files)', () => {
    assert.deepEqual(problems, []);
  });
});
