// compat: backends=native
// Pattern: a multi-tenant service with one collection per tenant and an alias for the
// live version (blue/green re-indexing), through @ruvector/core's CollectionManager.
const assert = require('node:assert/strict');
const { CollectionManager } = require('@ruvector/core');

async function main() {
  const manager = new CollectionManager('./collections');
  await manager.createCollection('products_v1', { dimensions: 3, distanceMetric: 'Cosine' });
  await manager.createCollection('products_v2', { dimensions: 3, distanceMetric: 'Cosine' });
  await manager.createAlias('products', 'products_v1');
  assert.deepEqual(await manager.listCollections(), ['products_v1', 'products_v2']);
  assert.deepEqual(await manager.listAliases(), [{ alias: 'products', collection: 'products_v1' }]);

  const v1 = await manager.getCollection('products');
  await v1.insert({ id: 'shoe', vector: new Float32Array([1, 0, 0]) });
  await v1.insert({ id: 'hat', vector: new Float32Array([0, 1, 0]) });
  const v2 = await manager.getCollection('products_v2');
  await v2.insert({ id: 'shoe', vector: new Float32Array([0.9, 0.1, 0]) });

  // Switch the alias to v2, then drop v1.
  await manager.deleteAlias('products');
  await manager.createAlias('products', 'products_v2');
  const live = await manager.getCollection('products');
  assert.equal(await live.len(), 1);
  assert.equal((await live.search({ vector: new Float32Array([1, 0, 0]), k: 1 }))[0].id, 'shoe');
  await assert.rejects(manager.deleteCollection('products_v2'), /alias/);
  await manager.deleteCollection('products_v1');
  assert.deepEqual(await manager.listCollections(), ['products_v2']);

  const stats = await manager.getStats('products_v2');
  assert.equal(stats.vectorsCount, 1);
  assert.ok(stats.diskSizeBytes > 0);
  await assert.rejects(manager.createCollection('../escape', { dimensions: 3 }));
  await assert.rejects(manager.getStats('missing'), (e) => e.code === 'NOT_FOUND');
}
main().catch((e) => { console.error(e); process.exit(1); });
