// `new VectorDb({redis: {nodes}, index})` through the facade: a one-node Redis Cluster
// (all 16384 slots on one redis-server 7.0.15 with build/ruvector-redis.so, loopback,
// port 17320, stopped at the end) answers through ClusterVectorDb while every other
// VectorDb form still builds the backend's class (instanceof, subclasses, static
// methods). The 6-node cluster, failover, the CLI and the C++ client are tested by
// scripts/test-redis.sh. The `redis` npm client comes from bindings/redis/client-node
// (NODE_PATH of the child process; test-ruvector.sh installs it).
// Needs the module (make build) and redis-server; skipped with the reason otherwise.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pkgDir, repo } from './install-tree.mjs';
import { startOneNodeCluster } from '../../../tests/redis/one-node-cluster.mjs';

const MODULE = process.env.RUVECTOR_REDIS_MODULE || path.join(repo, 'build', 'ruvector-redis.so');
const REDIS_MODULES = path.join(repo, 'bindings', 'redis', 'client-node', 'node_modules');
const PORT = 17320;
const haveServer = spawnSync('redis-server', ['--version']).status === 0;
const skip = !haveServer ? 'redis-server is missing (apt-get install redis-server)'
  : !fs.existsSync(MODULE) ? `${MODULE} is not built (make build)`
    : !fs.existsSync(path.join(REDIS_MODULES, 'redis')) ? 'bindings/redis/client-node has no node_modules (scripts/npm-ci.sh bindings/redis/client-node)'
      : false;

const SCRIPT = `
const rv = require(${JSON.stringify(pkgDir)});
const assert = require('node:assert/strict');
(async () => {
  const redis = { nodes: ['127.0.0.1:${PORT}'] };
  const local = new rv.VectorDb({ dimensions: 3 });
  assert.ok(local instanceof rv.VectorDb && !(local instanceof rv.ClusterVectorDb));
  await local.insert({ id: 'a', vector: [1, 2, 3] });
  class Sub extends rv.VectorDb {}
  const sub = new Sub({ dimensions: 2 });
  assert.ok(sub instanceof Sub && sub instanceof rv.VectorDb);
  const restored = await rv.VectorDb.deserialize(await local.serialize());
  assert.equal(await restored.len(), 1);
  const opened = await rv.VectorDb.open({ dimensions: 4 });
  assert.ok(opened instanceof rv.VectorDb);

  const db = new rv.VectorDb({ redis, index: 'facade', dimensions: 3, shards: 3 });
  assert.ok(db instanceof rv.ClusterVectorDb);
  assert.deepEqual(await db.insertBatch([
    { id: 'x', vector: [1, 0, 0], metadata: { tag: 'a' } },
    { id: 'y', vector: [0, 1, 0], metadata: { tag: 'b' } },
    { id: 'z', vector: [0, 0, 1] },
  ]), ['x', 'y', 'z']);
  const again = await rv.VectorDB.open({ redis, index: 'facade' });
  assert.ok(again instanceof rv.ClusterVectorDb);
  assert.equal(again.dimensions, 3);
  const hits = await again.search({ vector: [1, 0.5, 0], k: 2 });
  assert.deepEqual(hits.map((h) => h.id), ['x', 'y']);
  const cos = 1 / Math.sqrt(1.25);
  assert.ok(Math.abs(hits[0].distance - (1 - cos)) < 1e-6 && hits[0].score === hits[0].distance);
  assert.deepEqual(hits[0].metadata, { tag: 'a' });
  const f = await again.search({ vector: [1, 0.5, 0], k: 3, filter: '.tag == "b"' });
  assert.deepEqual(f.map((h) => h.id), ['y']);
  assert.deepEqual(Array.from((await again.get('z')).vector), [0, 0, 1]);
  assert.equal(await again.delete('z'), true);
  assert.equal(await db.len(), 2);
  await assert.rejects(db.search({ vector: [1, 2] }), (e) => e.code === 'DIMENSION_MISMATCH');
  await assert.rejects(db.search({ vector: [1, 2, 3], filter: { tag: 'a' } }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(rv.VectorDb.open({ redis, index: 'facade', dimensions: 5 }), (e) => e.code === 'INVALID_ARGUMENT');
  await assert.rejects(rv.VectorDb.open({ redis, index: 'missing' }), (e) => e.code === 'NOT_FOUND');
  assert.throws(() => new rv.VectorDb({ redis, index: 'facade', metric: 'euclidean' }), (e) => e.code === 'UNSUPPORTED');
  assert.throws(() => new rv.VectorDb({ redis: { nodes: [] }, index: 'facade' }), (e) => e.code === 'INVALID_ARGUMENT');
  for (const d of [local, sub, restored, opened, db, again]) await d.close();
  console.log('facade cluster checks passed');
})().catch((e) => { console.error(e); process.exit(1); });
`;

describe('VectorDb({redis}) through the facade', { skip }, () => {
  let dir;
  let server;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ruvector-redis-facade-'));
    server = await startOneNodeCluster({ port: PORT, module: MODULE, dir });
  });
  after(() => {
    if (server) server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('dispatches {redis} options to ClusterVectorDb and everything else to the backend class', () => {
    const env = { ...process.env, NODE_PATH: [REDIS_MODULES, process.env.NODE_PATH].filter(Boolean).join(path.delimiter) };
    const r = spawnSync(process.execPath, ['-e', SCRIPT], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${r.stderr}${r.stdout}`);
    assert.match(r.stdout, /facade cluster checks passed/);
  });
});
