// CollectionManager (lib/collections.js): collections that open and work, aliases,
// the on-disk layout, name checks and coded errors. Oracles: a second manager (and a
// second process) reading the same base directory, brute-force nearest neighbours.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require('../index.js');
const { CollectionManager } = core;
const pkgDir = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

async function codeOf(fn) {
  try {
    await fn();
  } catch (e) {
    return e.code;
  }
  return 'no error';
}

describe('CollectionManager', () => {
  let base;
  before(() => { base = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-collections-')); });
  after(() => fs.rmSync(base, { recursive: true, force: true }));

  it('is exported by both entries; the default base is ./collections', async () => {
    const esm = await import('../index.mjs');
    assert.equal(esm.CollectionManager, CollectionManager);
    assert.equal(new CollectionManager().basePath, path.resolve('collections'));
    assert.ok(!fs.existsSync(path.resolve('collections')), 'nothing is created before a call needs it');
  });

  it('create, use, reopen from another manager and another process, stats, delete', async () => {
    const dir = path.join(base, 'use');
    const m = new CollectionManager(dir);
    await m.createCollection('docs', { dimensions: 3, distanceMetric: 'Euclidean' });
    await m.createCollection('images', { dimensions: 2, hnswConfig: { m: 8 } });
    assert.deepEqual(await m.listCollections(), ['docs', 'images']);
    assert.ok(fs.existsSync(path.join(dir, 'docs', 'vectors.db')));
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'docs', 'metadata.json'), 'utf8'));
    assert.equal(meta.name, 'docs');
    assert.equal(meta.config.dimensions, 3);
    assert.equal(meta.config.distance_metric, 'Euclidean');

    const docs = await m.getCollection('docs');
    assert.equal(await m.getCollection('docs'), docs, 'one shared handle');
    const pts = [[0, 0, 0], [1, 0, 0], [0, 2, 0], [5, 5, 5]];
    await docs.insertBatch(pts.map((vector, i) => ({ id: `p${i}`, vector, metadata: { i } })));
    const hits = await docs.search({ vector: [0.9, 0.1, 0], k: 2, includeMetadata: true });
    assert.deepEqual(hits.map((h) => h.id), ['p1', 'p0']);
    assert.equal((await docs.info()).metric, 'euclidean');
    const stats = await m.getStats('docs');
    assert.equal(stats.vectorsCount, 4);
    assert.ok(stats.diskSizeBytes > 0);
    assert.ok(stats.ramSizeBytes > 0);
    await m.close();
    assert.equal(docs.closed, true);

    // A second manager on the same directory: the data is on disk.
    const m2 = new CollectionManager(dir);
    assert.deepEqual(await m2.listCollections(), ['docs', 'images']);
    const again = await m2.getCollection('docs');
    assert.equal(await again.len(), 4);
    assert.deepEqual((await again.get('p2')).metadata, { i: 2 });
    await m2.close();

    // Another process.
    const r = spawnSync(process.execPath, ['-e', `
      const { CollectionManager } = require(${JSON.stringify(pkgDir)});
      (async () => {
        const m = new CollectionManager(${JSON.stringify(dir)});
        const db = await m.getCollection('docs');
        const hits = await db.search({ vector: [5, 5, 4], k: 1 });
        console.log(JSON.stringify({ n: await db.len(), top: hits[0].id, stats: await m.getStats('images') }));
        await m.close();
      })().catch((e) => { console.error(e); process.exit(1); });`], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.n, 4);
    assert.equal(out.top, 'p3');
    assert.equal(out.stats.vectorsCount, 0);

    await m2.deleteCollection('images');
    assert.deepEqual(await m2.listCollections(), ['docs']);
    assert.ok(!fs.existsSync(path.join(dir, 'images')));
    assert.equal(await codeOf(() => m2.getCollection('images')), 'NOT_FOUND');
    await m2.close();
  });

  it('aliases: resolve to the collection, persist atomically, block deleting their collection', async () => {
    const dir = path.join(base, 'aliases');
    const m = new CollectionManager(dir);
    await m.createCollection('v1', { dimensions: 2 });
    await m.createCollection('v2', { dimensions: 2 });
    await m.createAlias('current', 'v1');
    await m.createAlias('previous', 'v2');
    assert.deepEqual(await m.listAliases(), [{ alias: 'current', collection: 'v1' }, { alias: 'previous', collection: 'v2' }]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'aliases.json'), 'utf8')), { current: 'v1', previous: 'v2' });
    assert.deepEqual(fs.readdirSync(dir).sort(), ['aliases.json', 'v1', 'v2'], 'no temporary files left behind');
    assert.equal(await m.getCollection('current'), await m.getCollection('v1'));
    await (await m.getCollection('current')).insert({ id: 'x', vector: [1, 2] });
    assert.equal((await m.getStats('current')).vectorsCount, 1);

    assert.equal(await codeOf(() => m.createAlias('current', 'v2')), 'ALREADY_EXISTS');
    assert.equal(await codeOf(() => m.createAlias('v2', 'v1')), 'ALREADY_EXISTS', 'an alias cannot shadow a collection');
    assert.equal(await codeOf(() => m.createCollection('current', { dimensions: 2 })), 'ALREADY_EXISTS', 'nor a collection an alias');
    assert.equal(await codeOf(() => m.createAlias('other', 'missing')), 'NOT_FOUND');
    const e = await m.deleteCollection('v1').catch((err) => err);
    assert.equal(e.code, 'INVALID_ARGUMENT');
    assert.match(e.message, /active aliases: \["current"\]/);
    assert.equal(await (await m.getCollection('v1')).len(), 1, 'the collection is untouched');

    await m.deleteAlias('current');
    assert.equal(await codeOf(() => m.deleteAlias('current')), 'NOT_FOUND');
    assert.equal(await codeOf(() => m.getCollection('current')), 'NOT_FOUND');
    await m.deleteCollection('v1');
    assert.deepEqual(await new CollectionManager(dir).listAliases(), [{ alias: 'previous', collection: 'v2' }]);
    await m.close();
  });

  it('names are checked (no path traversal), options are checked, errors carry codes', async () => {
    const dir = path.join(base, 'names');
    const m = new CollectionManager(dir);
    for (const bad of ['../x', 'a/b', '..', '.', 'a.b', '', 'x'.repeat(129), 'sp ace', 'a\\b', 'é']) {
      assert.equal(await codeOf(() => m.createCollection(bad, { dimensions: 2 })), 'INVALID_ARGUMENT', JSON.stringify(bad));
      assert.equal(await codeOf(() => m.getCollection(bad)), 'INVALID_ARGUMENT', JSON.stringify(bad));
      assert.equal(await codeOf(() => m.createAlias(bad, 'x')), 'INVALID_ARGUMENT', JSON.stringify(bad));
    }
    assert.ok(!fs.existsSync(path.join(base, 'x')), 'nothing escaped the base directory');
    for (const bad of [undefined, null, 42, { toString: () => 'x' }])
      assert.equal(await codeOf(() => m.createCollection(bad, { dimensions: 2 })), 'INVALID_ARGUMENT');
    assert.equal(await codeOf(() => m.createCollection('ok', undefined)), 'INVALID_ARGUMENT');
    assert.equal(await codeOf(() => m.createCollection('ok', { dimensions: 2, storagePath: '/tmp/elsewhere' })), 'INVALID_ARGUMENT');
    assert.equal(await codeOf(() => m.createCollection('ok', { dimensions: 0 })), 'INVALID_ARGUMENT');
    assert.ok(!fs.existsSync(path.join(dir, 'ok')), 'a failed create leaves nothing behind');
    await m.createCollection('ok', { dimensions: 2 });
    assert.equal(await codeOf(() => m.createCollection('ok', { dimensions: 2 })), 'ALREADY_EXISTS');
    assert.equal(await codeOf(() => m.deleteCollection('missing')), 'NOT_FOUND');
    assert.equal(await codeOf(() => m.getStats('missing')), 'NOT_FOUND');
    assert.equal(await codeOf(() => new CollectionManager('')), 'INVALID_ARGUMENT');
    await m.close();
  });

  it('a damaged aliases.json is CORRUPTION, never a crash, and collections still list', async () => {
    const dir = path.join(base, 'damaged');
    const m = new CollectionManager(dir);
    await m.createCollection('c', { dimensions: 2 });
    for (const text of ['{"a": ', '[1, 2]', '{"../evil": "c"}', '{"a": 5}', '']) {
      fs.writeFileSync(path.join(dir, 'aliases.json'), text);
      assert.equal(await codeOf(() => m.listAliases()), 'CORRUPTION', JSON.stringify(text));
      assert.equal(await codeOf(() => m.createAlias('b', 'c')), 'CORRUPTION');
    }
    assert.deepEqual(await m.listCollections(), ['c']);
    assert.equal(await (await m.getCollection('c')).len(), 0);
    await m.close();
  });

  it('calls on one manager run in order; concurrent creates of one name: one wins, the other is ALREADY_EXISTS', async () => {
    const m = new CollectionManager(path.join(base, 'race'));
    const r = await Promise.allSettled([m.createCollection('same', { dimensions: 2 }), m.createCollection('same', { dimensions: 2 })]);
    assert.deepEqual(r.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
    assert.equal(r.find((x) => x.status === 'rejected').reason.code, 'ALREADY_EXISTS');
    const [db, list] = await Promise.all([m.getCollection('same'), m.listCollections()]);
    assert.equal(await db.len(), 0);
    assert.deepEqual(list, ['same']);
    await m.close();
  });
});
