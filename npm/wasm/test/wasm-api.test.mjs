// @ruvector/wasm specifics beyond the shared contract: the reference system's wasm
// surface, loader controls, both module formats, package exports, benchmark().
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as wasm from '@ruvector/wasm';

const require = createRequire(import.meta.url);
const pkgDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

async function rejects(fn, code, Ctor = Error) {
  let err;
  try { await fn(); } catch (e) { err = e; }
  assert.ok(err, `expected ${code}`);
  assert.ok(err instanceof Ctor, `${err.constructor.name}: ${err.message}`);
  assert.equal(err.code, code, err.message);
  assert.ok(err.message.startsWith(`${code}: `), err.message);
  return err;
}

describe('module loading', () => {
  it('works before the module is loaded: new VectorDb() then await a method', async () => {
    const db = new wasm.VectorDb({ dimensions: 2 });   // possibly before the first load
    assert.equal(await db.insert({ id: 'a', vector: [1, 2] }), 'a');
    assert.equal(await db.len(), 1);
    await db.close();
  });

  it('installs no process-wide handlers (uncaughtException, unhandledRejection)', () => {
    const code = `
      const n = () => [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')].join();
      const before = n();
      const w = require('@ruvector/wasm');
      w.setBackend(process.argv[1]);
      w.ready().then(() => console.log(before === n() ? 'same' : before + ' -> ' + n()));`;
    for (const backend of ['simd', 'baseline']) {
      const out = execFileSync(process.execPath, ['-e', code, backend], { cwd: pkgDir, encoding: 'utf8' }).trim();
      assert.equal(out, 'same', backend);
    }
  });

  it('require() and import share one module instance', async () => {
    const cjs = require('@ruvector/wasm');
    assert.equal(cjs.VectorDb, wasm.VectorDb);
    assert.equal(cjs.default, cjs);
    assert.equal(wasm.default.VectorDb, wasm.VectorDb);
    await wasm.ready();
    assert.equal(cjs.getBackend(), wasm.getBackend());
  });

  it('exports map: types first, node/browser/import/require conditions, .wasm subpaths, ./worker', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, '@ruvector/wasm');
    assert.equal(pkg.version, fs.readFileSync(path.join(pkgDir, '../../VERSION'), 'utf8').trim());
    const dot = pkg.exports['.'];
    assert.equal(Object.keys(dot)[0], 'types');
    for (const c of ['node', 'browser', 'import', 'require', 'default']) assert.ok(dot[c], c);
    assert.equal(Object.keys(pkg.exports['./worker'])[0], 'types');
    for (const sub of ['./ruvector.wasm', './ruvector-simd.wasm']) {
      const file = require.resolve(`@ruvector/wasm/${sub.slice(2)}`);
      const bytes = fs.readFileSync(file);
      assert.ok(WebAssembly.validate(bytes), `${sub} is a valid module`);
    }
    for (const f of ['src/browser.mjs', 'src/worker.mjs', 'src/worker-host.mjs', 'dist/ruvector.mjs', 'dist/ruvector-simd.mjs',
      'dist/ruvector-node.cjs', 'dist/ruvector-simd-node.cjs', 'dist/index.cjs', 'index.d.ts', 'worker.d.ts'])
      assert.ok(fs.existsSync(path.join(pkgDir, f)), f);
  });

  it('detectSIMD() tells the truth: the simd128 build is the one running', async () => {
    const r = await wasm.ready();
    assert.equal(r.backend, wasm.wasmSimdSupported() ? 'simd' : 'baseline');
    assert.equal(wasm.detectSIMD(), r.backend === 'simd');
    assert.equal(wasm.simdLevel(), r.backend === 'simd' ? 'simd128' : 'scalar');
    const db = new wasm.VectorDb({ dimensions: 4 });
    assert.equal((await db.info()).simdLevel, wasm.simdLevel());
    await db.close();
  });

  it('version() is the engine version and the package version', async () => {
    await wasm.ready();
    assert.match(wasm.version(), /^\d+\.\d+\.\d+$/);
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(wasm.version(), pkg.version);
  });

  it('setBackend() after loading a different variant is refused', async () => {
    await wasm.ready();
    const other = wasm.getBackend() === 'simd' ? 'baseline' : 'simd';
    await rejects(() => wasm.setBackend(other), 'INVALID_ARGUMENT');
    await rejects(() => wasm.setBackend('gpu'), 'INVALID_ARGUMENT', TypeError);
    wasm.setBackend(wasm.getBackend());  // the same one is fine
  });
});

describe('reference system wasm surface', () => {
  it('new VectorDB(dimensions, metric?, useHnsw?)', async () => {
    const a = new wasm.VectorDB(3);
    assert.equal(a.dimensions, 3);
    const ai = await a.info();
    assert.equal(ai.metric, 'cosine');
    assert.equal(ai.index, 'hnsw');
    const b = new wasm.VectorDB(3, 'Euclidean', false);
    const bi = await b.info();
    assert.deepEqual([bi.metric, bi.index], ['euclidean', 'flat']);
    const c = new wasm.VectorDB(3, null, true);
    assert.equal((await c.info()).index, 'hnsw');
    await rejects(() => new wasm.VectorDB(3, 'cosine', 'yes'), 'INVALID_ARGUMENT', TypeError);
    await rejects(() => new wasm.VectorDB(0), 'INVALID_ARGUMENT', RangeError);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('insert(vector, id?, metadata?) and search(vector, k, filter?) positional forms', async () => {
    const db = new wasm.VectorDB(3, 'euclidean');
    assert.equal(await db.insert(new Float32Array([1, 0, 0]), 'a', { tag: 'x' }), 'a');
    assert.match(await db.insert([0, 1, 0]), /^[0-9a-f-]{36}$/);
    const hits = await db.search(new Float32Array([1, 0, 0]), 1);
    assert.equal(hits[0].id, 'a');
    assert.deepEqual(hits[0].metadata, { tag: 'x' }, 'metadata is a plain object, not a Map');
    assert.ok(hits[0].vector instanceof Float32Array);
    assert.equal((await db.search([1, 0, 0], 5, { tag: 'y' })).length, 0);
    await db.close();
  });

  it('storagePath is UNSUPPORTED in wasm', async () => {
    await rejects(() => new wasm.VectorDb({ dimensions: 3, storagePath: '/tmp/x' }), 'UNSUPPORTED');
  });

  it('Float64Array vectors are accepted', async () => {
    const db = new wasm.VectorDb({ dimensions: 2, metric: 'l2' });
    await db.insert({ id: 'd', vector: new Float64Array([3, 4]) });
    assert.equal((await db.search({ vector: [0, 0], k: 1 }))[0].score, 5);
    await db.close();
  });

  it('deserialize(bytes, options) refuses options that contradict the snapshot', async () => {
    const db = new wasm.VectorDb({ dimensions: 3, metric: 'dot' });
    await db.insert({ id: 'a', vector: [1, 2, 3] });
    const bytes = await db.serialize();
    const ok = await wasm.VectorDb.deserialize(bytes, { dimensions: 3, metric: 'DotProduct' });
    assert.equal(await ok.len(), 1);
    await rejects(() => wasm.VectorDb.deserialize(bytes, { dimensions: 4 }), 'INVALID_ARGUMENT', RangeError);
    await rejects(() => wasm.VectorDb.deserialize(bytes, { metric: 'cosine' }), 'INVALID_ARGUMENT', RangeError);
    await rejects(() => wasm.VectorDb.deserialize('nope'), 'INVALID_ARGUMENT', TypeError);
    await Promise.all([db.close(), ok.close()]);
  });

  it('ready, closed, open(), withDimensions(), checkpoint() as in @ruvector/core', async () => {
    const db = await wasm.VectorDb.open({ dimensions: 2 });
    assert.equal(await db.ready, db);
    assert.equal(db.closed, false);
    await db.checkpoint();
    await db.close();
    assert.equal(db.closed, true);
    const w = wasm.VectorDb.withDimensions(5);
    assert.equal((await w.info()).dimensions, 5);
    await w.close();
  });

  it('benchmark() measures real operations per second', async () => {
    for (const name of ['insert', 'insertBatch', 'search']) {
      const ops = await wasm.benchmark(name, 300, 32);
      assert.ok(Number.isFinite(ops) && ops > 100, `${name}: ${ops} ops/s`);
      assert.notEqual(ops % 1000, 0, 'not a round number from a coarse clock');
    }
    await rejects(() => wasm.benchmark('insert', 0, 32), 'INVALID_ARGUMENT', RangeError);
  });
});
