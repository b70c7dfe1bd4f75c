// The reference system's conveniences through the browser entry (browser.mjs), run in
// Node with fake-indexeddb standing in for the browser's IndexedDB: VectorIndex.save/load
// go to IndexedDB there, and the backend functions describe the wasm backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { pkgDir, repo } from './install-tree.mjs';

const requireWasm = createRequire(path.join(repo, 'npm/wasm/package.json'));
await import(pathToFileURL(requireWasm.resolve('fake-indexeddb/auto')).href);
const rv = await import(pathToFileURL(path.join(pkgDir, 'browser.mjs')).href);
const cjs = await import(pathToFileURL(path.join(pkgDir, 'lib/compat.cjs')).href);

describe('browser entry: VectorIndex over IndexedDB, Utils, backend information', () => {
  it('the CommonJS copy of lib/compat.mjs is current (scripts/build-cjs.mjs)', () => {
    assert.deepEqual(Object.keys(cjs.default).sort(), ['Utils', 'createBackendInfo', 'createVectorIndexClass']);
  });

  it('save(name) stores the index in IndexedDB; load(name) and VectorIndex.load(name) restore it', async () => {
    const ix = new rv.VectorIndex({ dimension: 3, metric: 'euclidean' });
    await ix.insertBatch([{ id: 'a', values: [1, 0, 0] }, { id: 'b', values: [0, 1, 0], metadata: { tag: 't' } }]);
    const bytes = await ix.save('surface-index');
    assert.ok(bytes > 0);
    assert.deepEqual((await rv.listIndexedDB()).map((m) => m.name), ['surface-index']);
    const back = await rv.VectorIndex.load('surface-index');
    assert.deepEqual(await back.stats(), await ix.stats());
    assert.deepEqual((await back.search([0, 0.9, 0], { k: 1 })).map((h) => h.id), ['b']);
    assert.deepEqual((await back.get('b')).metadata, { tag: 't' });
    const into = new rv.VectorIndex({ dimension: 3 });
    await into.load('surface-index');
    assert.equal((await into.stats()).vectorCount, 2);
    await assert.rejects(into.load('no-such-index'), (e) => e.code === 'NOT_FOUND');
    assert.equal((await into.stats()).vectorCount, 2, 'unchanged after a failed load');
    await Promise.all([ix.close(), back.close(), into.close()]);
  });

  it('backend information says wasm, with IndexedDB; Utils is the shared one', () => {
    assert.equal(rv.getImplementationType(), 'wasm');
    assert.equal(rv.isWasm(), true);
    assert.equal(rv.isNative(), false);
    assert.equal(rv.isRvf(), false);
    assert.equal(rv.isNativeAvailable(), false);
    assert.deepEqual(rv.getVersion(), { version: rv.version(), implementation: 'wasm' });
    const info = rv.getBackendInfo();
    assert.equal(info.type, 'wasm');
    assert.ok(info.features.includes('IndexedDB persistence'));
    assert.ok(info.features.includes('Browser-compatible'));
    assert.equal(rv.default.VectorIndex, rv.VectorIndex);
    assert.throws(() => rv.Utils.euclideanDistance([1], [1, 2]), (e) => e.code === 'DIMENSION_MISMATCH');
  });
});
