// compat: backends=native
// Pattern: the @ruvector/core README tutorial: `storagePath: './vectors.db'` names one
// file, which the application later backs up by copying and resets with unlink.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const { VectorDb } = require('@ruvector/core');

async function phase(name) {
  const db = new VectorDb({
    dimensions: 4,
    distanceMetric: 'Cosine',
    storagePath: './vectors.db',
    hnswConfig: { m: 32, efConstruction: 200, efSearch: 100 },
  });
  if (name === 'write') {
    await db.insertBatch([
      { id: 'one', vector: new Float32Array([1, 0, 0, 0]) },
      { id: 'two', vector: new Float32Array([0, 1, 0, 0]) },
    ]);
    return;
  }
  assert.equal(await db.len(), 2);
  assert.equal((await db.search({ vector: new Float32Array([0, 0.9, 0.1, 0]), k: 1 }))[0].id, 'two');
}

async function main() {
  const step = process.argv[2];
  if (step) return phase(step);
  for (const s of ['write', 'read']) {
    const r = spawnSync(process.execPath, [__filename, s], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${s}: ${r.stderr}`);
  }
  assert.ok(fs.statSync('./vectors.db').isFile(), './vectors.db is one file');
  fs.copyFileSync('./vectors.db', './backup.db');
  fs.unlinkSync('./vectors.db');
  const fresh = new VectorDb({ dimensions: 4, storagePath: './vectors.db' });
  assert.equal(await fresh.len(), 0, 'a reset store is empty');
  const restored = new VectorDb({ dimensions: 4, storagePath: './backup.db' });
  assert.equal(await restored.len(), 2, 'the copied file is a working store');
}
main().catch((e) => { console.error(e); process.exit(1); });
